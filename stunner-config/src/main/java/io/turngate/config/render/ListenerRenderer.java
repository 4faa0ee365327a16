package io.turngate.config.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.Secret;
import io.turngate.config.gateway.SecretRef;
import io.turngate.config.gateway.UdpRoute;
import io.turngate.config.render.RenderContext.ListenerOutcome;
import io.turngate.config.render.RenderContext.ListenerVerdict;
import io.turngate.config.v1.ListenerProtocol;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code listeners[]}, one per valid Gateway listener (operator {@code listener_render.go}, stunner-compat §2
 * "Gateway"): name {@code <gw-ns>/<gw>/<listener>}, protocol {@code TURN-UDP|TURN-TCP|TURN-TLS|TURN-DTLS}
 * (short aliases accepted), {@code address "$STUNNER_ADDR"}, {@code port} = listener port (or the
 * {@code stunner.l7mp.io/targetport} annotation's value), public address/port ({@link ServiceRenderer}), TLS
 * material, and the names of all attached routes.
 *
 * <p>TLS as the operator does it: a TURN-TLS/DTLS listener with {@code tls.mode: Terminate} (or no mode) and
 * certificateRefs takes the first usable Secret's {@code tls.crt}/{@code tls.key} (also {@code crt}/{@code cert},
 * {@code key}) and is left out when none is usable. Without a {@code tls} section, without certificateRefs, or with
 * {@code tls.mode: Passthrough} the operator renders the listener without cert and key; stunnerd refuses such a
 * config, so {@link GatewayRenderer#renderGateway} reports it as a problem (the JSON of
 * {@link GatewayRenderer#renderJson} shows what the operator would serve).
 */
final class ListenerRenderer {
    static final String ADDRESS = "$STUNNER_ADDR";

    private ListenerRenderer() {
    }

    static ArrayNode render(RenderContext ctx) {
        Gateway gw = ctx.gateway;
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Map<String, Integer> targetPorts = ServiceRenderer.portMap(ctx, ServiceRenderer.ANNOTATION_TARGET_PORT);
        ServiceRenderer.GatewayService service = ServiceRenderer.gatewayService(ctx);
        Map<String, String> usedPorts = new HashMap<>();
        if ("true".equalsIgnoreCase(gw.metadata().annotations().get(Gateway.ANNOTATION_RELAY_ADDRESS_DISCOVERY))) {
            ctx.warn("gateway " + gw.key() + ": annotation " + Gateway.ANNOTATION_RELAY_ADDRESS_DISCOVERY
                    + " is a STUNner premium feature; ignored (relay address stays " + ADDRESS + ")");
        }
        List<String> withoutAddress = new ArrayList<>();
        boolean anyAddress = false;
        for (Gateway.Listener l : gw.listeners()) {
            String lw = "gateway " + gw.key() + ": listener \"" + l.name() + "\": ";
            ListenerProtocol proto = ListenerProtocol.parse(l.protocol());
            if (proto == null) {
                ctx.warn(lw + "protocol \"" + l.protocol() + "\" (expected: " + ListenerProtocol.EXPECTED
                        + "); listener not rendered (InvalidProtocol)");
                ctx.listenerOutcome(new ListenerOutcome(l.name(), ListenerVerdict.INVALID_PROTOCOL, 0, null));
                continue;
            }
            String family = ServiceRenderer.serviceProtocol(proto);
            String previous = usedPorts.putIfAbsent(family + ":" + l.port(), l.name());
            if (previous != null) {
                ctx.warn(lw + "port " + l.port() + "/" + family + " is already used by listener \"" + previous
                        + "\"; listener not rendered (Conflicted)");
                ctx.listenerOutcome(new ListenerOutcome(l.name(), ListenerVerdict.CONFLICTED,
                        RouteAttachment.routesFor(ctx, l).size(),
                        ServiceRenderer.publicAddress(ctx, service, l, proto, new StringBuilder())));
                continue;
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("name", gw.key() + "/" + l.name());
            o.put("protocol", proto.wireName());
            StringBuilder why = new StringBuilder();
            ServiceRenderer.PublicAddress pub = ServiceRenderer.publicAddress(ctx, service, l, proto, why);
            if (pub != null) {
                anyAddress = true;
                o.put("public_address", pub.address());
                o.put("public_port", pub.port());
            } else {
                withoutAddress.add(lw + "no public address: " + why + "; public_address/public_port omitted");
            }
            o.put("address", ADDRESS);
            o.put("port", targetPorts.getOrDefault(l.name(), l.port()));
            if (proto.needsCertificate()) {
                Gateway.Tls tls = l.tls();
                boolean terminate = tls != null && (tls.mode() == null || tls.mode().equals("Terminate"));
                if (!terminate || tls.certificateRefs().isEmpty()) {
                    String what = tls == null ? "no tls section"
                            : !terminate ? "tls.mode \"" + tls.mode() + "\" (TLS passthrough is not supported)"
                            : "tls.certificateRefs missing";
                    String msg = lw + what + ": the operator renders this " + proto.wireName()
                            + " listener without cert and key, and stunnerd refuses a config with such a listener"
                            + " (expected: tls.mode Terminate with certificateRefs to a Secret with tls.crt and tls.key)";
                    ctx.warn(msg);
                    ctx.explainRejection(msg);
                } else {
                    String[] material = certificate(ctx, l, lw);
                    if (material == null) {
                        ctx.listenerOutcome(new ListenerOutcome(l.name(), ListenerVerdict.INVALID_CERTIFICATE_REF, 0,
                                pub));
                        continue;
                    }
                    o.put("cert", material[0]);
                    o.put("key", material[1]);
                }
            }
            ArrayNode routes = o.putArray("routes");
            List<UdpRoute> attached = RouteAttachment.routesFor(ctx, l);
            for (UdpRoute r : attached) {
                routes.add(r.key());
            }
            out.add(o);
            ctx.listenerOutcome(new ListenerOutcome(l.name(), ListenerVerdict.ACCEPTED, attached.size(), pub));
        }
        if (!withoutAddress.isEmpty()) {
            if (service.source() == ServiceRenderer.Source.ASSUMED && !anyAddress) {
                ctx.warn("gateway " + gw.key() + ": no public address known offline (expected: spec.addresses[0], or"
                        + " the Gateway's LoadBalancer Service " + gw.key() + " with status.loadBalancer.ingress, or"
                        + " its NodePorts and a Node with an external address); public_address/public_port omitted");
            } else {
                withoutAddress.forEach(ctx::warn);
            }
        }
        return out;
    }

    /** Base64 cert and key from the first usable certificateRef; {@code null} (and a warning) if none. */
    private static String[] certificate(RenderContext ctx, Gateway.Listener l, String lw) {
        List<SecretRef> refs = l.tls().certificateRefs();
        String ns = ctx.gateway.metadata().namespace();
        for (int i = 0; i < refs.size(); i++) {
            SecretRef ref = refs.get(i);
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
}
