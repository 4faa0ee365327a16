package io.turngate.config.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.Secret;
import io.turngate.config.gateway.SecretRef;
import io.turngate.config.gateway.Service;
import io.turngate.config.gateway.UdpRoute;
import io.turngate.config.v1.ListenerProtocol;

import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code listeners[]}, one per valid Gateway listener (operator {@code listener_render.go}, stunner-compat §2
 * "Gateway"): name {@code <gw-ns>/<gw>/<listener>}, protocol {@code TURN-UDP|TURN-TCP|TURN-TLS|TURN-DTLS}
 * (short aliases accepted), {@code address "$STUNNER_ADDR"}, {@code port} = listener port (or the
 * {@code stunner.l7mp.io/targetport} annotation's value), public address/port, TLS material, and the names of
 * all attached routes.
 */
final class ListenerRenderer {
    static final String ADDRESS = "$STUNNER_ADDR";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ListenerRenderer() {
    }

    static ArrayNode render(RenderContext ctx) {
        Gateway gw = ctx.gateway;
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Map<String, Integer> targetPorts = targetPorts(ctx);
        Map<String, String> usedPorts = new HashMap<>();
        if ("true".equalsIgnoreCase(gw.metadata().annotations().get(Gateway.ANNOTATION_RELAY_ADDRESS_DISCOVERY))) {
            ctx.warn("gateway " + gw.key() + ": annotation " + Gateway.ANNOTATION_RELAY_ADDRESS_DISCOVERY
                    + " is a STUNner premium feature; ignored (relay address stays " + ADDRESS + ")");
        }
        boolean publicWarned = false;
        for (Gateway.Listener l : gw.listeners()) {
            String lw = "gateway " + gw.key() + ": listener \"" + l.name() + "\": ";
            ListenerProtocol proto = ListenerProtocol.parse(l.protocol());
            if (proto == null) {
                ctx.warn(lw + "protocol \"" + l.protocol() + "\" (expected: " + ListenerProtocol.EXPECTED
                        + "); listener not rendered (InvalidProtocol)");
                continue;
            }
            String family = proto == ListenerProtocol.TURN_UDP || proto == ListenerProtocol.TURN_DTLS ? "UDP" : "TCP";
            String previous = usedPorts.putIfAbsent(family + ":" + l.port(), l.name());
            if (previous != null) {
                ctx.warn(lw + "port " + l.port() + "/" + family + " is already used by listener \"" + previous
                        + "\"; listener not rendered (Conflicted)");
                continue;
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("name", gw.key() + "/" + l.name());
            o.put("protocol", proto.wireName());
            String[] pub = publicAddress(ctx, l);
            if (pub != null) {
                o.put("public_address", pub[0]);
                o.put("public_port", Integer.parseInt(pub[1]));
            } else if (!publicWarned) {
                publicWarned = true;
                ctx.warn("gateway " + gw.key() + ": no public address known offline (expected: spec.addresses[0], or the"
                        + " Gateway's LoadBalancer Service " + gw.key() + " with status.loadBalancer.ingress);"
                        + " public_address/public_port omitted");
            }
            o.put("address", ADDRESS);
            o.put("port", targetPorts.getOrDefault(l.name(), l.port()));
            if (proto.needsCertificate()) {
                String[] tls = tls(ctx, l, lw);
                if (tls == null) {
                    continue;
                }
                o.put("cert", tls[0]);
                o.put("key", tls[1]);
            }
            ArrayNode routes = o.putArray("routes");
            for (UdpRoute r : RouteAttachment.routesFor(ctx, l)) {
                routes.add(r.key());
            }
            out.add(o);
        }
        return out;
    }

    /**
     * Public address of a listener, first match wins (operator {@code getPublicListenerAddr}): Gateway
     * {@code spec.addresses[0]} + the listener port; the Gateway's LoadBalancer Service ingress (if that Service
     * is in the input) + the Service port named after the listener. {@code {address, port}} or {@code null}.
     */
    private static String[] publicAddress(RenderContext ctx, Gateway.Listener l) {
        Gateway gw = ctx.gateway;
        if (!gw.addresses().isEmpty()) {
            Gateway.Address a = gw.addresses().get(0);
            if (a.type() == null || a.type().isEmpty() || a.type().equals("IPAddress") || a.type().equals("Hostname")) {
                return new String[] {a.value(), Integer.toString(l.port())};
            }
            ctx.warn("gateway " + gw.key() + ": spec.addresses[0].type \"" + a.type()
                    + "\" (expected: IPAddress or Hostname); address ignored");
        }
        Optional<Service> svc = ctx.resources.service(gw.metadata().namespace(), gw.metadata().name());
        if (svc.isPresent() && "LoadBalancer".equals(svc.get().type()) && !svc.get().ingress().isEmpty()) {
            int port = l.port();
            for (Service.Port p : svc.get().ports()) {
                if (l.name().equals(p.name())) {
                    port = p.port();
                }
            }
            Service.Ingress in = svc.get().ingress().get(0);
            String addr = in.ip() != null ? in.ip() : in.hostname();
            return addr == null ? null : new String[] {addr, Integer.toString(port)};
        }
        return null;
    }

    /** Base64 cert and key from the first usable certificateRef; {@code null} (and a warning) if none. */
    private static String[] tls(RenderContext ctx, Gateway.Listener l, String lw) {
        Gateway.Tls tls = l.tls();
        if (tls == null || tls.certificateRefs().isEmpty()) {
            ctx.warn(lw + "tls.certificateRefs missing (expected: a Secret with tls.crt and tls.key for "
                    + l.protocol() + "); listener not rendered");
            return null;
        }
        if (tls.mode() != null && !tls.mode().equals("Terminate")) {
            ctx.warn(lw + "tls.mode \"" + tls.mode() + "\" (expected: Terminate); listener not rendered");
            return null;
        }
        String ns = ctx.gateway.metadata().namespace();
        for (int i = 0; i < tls.certificateRefs().size(); i++) {
            SecretRef ref = tls.certificateRefs().get(i);
            String rw = lw + "tls.certificateRefs[" + i + "] ";
            if (!ref.isSecret()) {
                ctx.warn(rw + ref + " (expected: a core Secret); skipped");
                continue;
            }
            String sns = ref.namespaceOr(ns);
            Optional<Secret> s = ctx.resources.secret(sns, ref.name());
            if (s.isEmpty()) {
                ctx.warn(rw + "Secret " + sns + "/" + ref.name() + " not found in the input; skipped");
                continue;
            }
            byte[] cert = first(s.get(), "tls.crt", "crt", "cert");
            byte[] key = first(s.get(), "tls.key", "key");
            if (cert == null || key == null) {
                ctx.warn(rw + "Secret " + s.get().key() + ": " + (cert == null ? "tls.crt" : "tls.key")
                        + " missing (expected: keys tls.crt and tls.key); skipped");
                continue;
            }
            if (i > 0) {
                ctx.warn(lw + "using tls.certificateRefs[" + i + "] (earlier refs unusable)");
            }
            return new String[] {Base64.getEncoder().encodeToString(cert), Base64.getEncoder().encodeToString(key)};
        }
        ctx.warn(lw + "no usable TLS certificate (expected: a Secret with tls.crt and tls.key); listener not rendered");
        return null;
    }

    private static byte[] first(Secret s, String... keys) {
        for (String k : keys) {
            byte[] v = s.value(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The {@code stunner.l7mp.io/targetport} annotation: a JSON map listener name → port (braces optional). */
    private static Map<String, Integer> targetPorts(RenderContext ctx) {
        Map<String, Integer> out = new HashMap<>();
        String raw = ctx.gateway.metadata().annotations().get(Gateway.ANNOTATION_TARGET_PORT);
        if (raw == null || raw.isBlank()) {
            return out;
        }
        String text = raw.trim();
        if (!text.startsWith("{")) {
            text = "{" + text + "}";
        }
        String w = "gateway " + ctx.gatewayKey() + ": annotation " + Gateway.ANNOTATION_TARGET_PORT + " ";
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            ctx.warn(w + "\"" + raw + "\" (expected: JSON map such as {\"udp-listener\":3478}); ignored");
            return out;
        }
        if (n == null || !n.isObject()) {
            ctx.warn(w + "\"" + raw + "\" (expected: JSON map such as {\"udp-listener\":3478}); ignored");
            return out;
        }
        List<String> names = ctx.gateway.listeners().stream().map(Gateway.Listener::name).toList();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            JsonNode v = e.getValue();
            int port = -1;
            if (v.isIntegralNumber()) {
                port = v.asInt();
            } else if (v.isTextual() && v.asText().matches("[0-9]{1,5}")) {
                port = Integer.parseInt(v.asText());
            }
            if (port < 1 || port > 65535) {
                ctx.warn(w + "\"" + e.getKey() + "\": " + v + " (expected: port 1..65535); ignored");
            } else if (!names.contains(e.getKey())) {
                ctx.warn(w + "\"" + e.getKey() + "\" names no listener; ignored");
            } else {
                out.put(e.getKey(), port);
            }
        }
        return out;
    }
}
