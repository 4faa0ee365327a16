package io.turngate.config.render;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.Node;
import io.turngate.config.gateway.ObjectMeta;
import io.turngate.config.gateway.Origin;
import io.turngate.config.gateway.Service;
import io.turngate.config.v1.ListenerProtocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Service that exposes a Gateway and the public address it gives each listener (operator
 * {@code service_util.go}: {@code getPublicSvc}, {@code getPublicListenerAddr}, {@code getLBAddr},
 * {@code createLbService4Gateway}; {@code node_util.go}; stunner-compat §2 "Public address").
 *
 * <p>The Gateway's Service is, as the operator finds it, any Service annotated
 * {@code stunner.l7mp.io/related-gateway-name: <gw-ns>/<gw>} with an owner reference to the Gateway (preferring
 * LoadBalancer over ExternalName over NodePort over ClusterIP). Offline two fallbacks follow, each with a warning:
 * a Service named like the Gateway (the operator adopts it on its first render), else the Service the operator
 * would create (type from {@code stunner.l7mp.io/service-type}, one port per listener of the first listener's
 * protocol unless {@code stunner.l7mp.io/enable-mixed-protocol-lb: "true"}, NodePorts from
 * {@code stunner.l7mp.io/nodeport}, no load-balancer status yet).
 *
 * <p>A listener's public address, first match wins, needs a Service port with the listener's port and transport
 * protocol: {@code spec.addresses[0]} of the Gateway with that port; for a LoadBalancer Service the
 * {@code status.loadBalancer.ingress} whose per-port status at that port's index matches it, else
 * {@code ingress[0]}, its IP or else its hostname; the first Node (input order) with an ExternalIP, else
 * ExternalDNS, with the port's NodePort.
 *
 * <p>Annotations are the GatewayConfig's {@code loadBalancerServiceAnnotations} overridden by the Gateway's own.
 */
final class ServiceRenderer {
    static final String ANNOTATION_SERVICE_TYPE = "stunner.l7mp.io/service-type";
    static final String ANNOTATION_MIXED_PROTOCOL = "stunner.l7mp.io/enable-mixed-protocol-lb";
    static final String ANNOTATION_NODE_PORT = "stunner.l7mp.io/nodeport";
    static final String ANNOTATION_TARGET_PORT = Gateway.ANNOTATION_TARGET_PORT;
    static final String DEFAULT_SERVICE_TYPE = "LoadBalancer";
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "ExternalName", "LoadBalancer");
    /** Like Go's {@code json.Unmarshal}: trailing data after the object is an error. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private ServiceRenderer() {
    }

    /** How the Gateway's Service was found. */
    enum Source {
        /** Annotated for the Gateway and owned by it: the one the operator reads. */
        OWNED,
        /** Named like the Gateway but not (yet) annotated and owned: the operator adopts it. */
        ADOPTED,
        /** Not in the input: the one the operator would create. */
        ASSUMED
    }

    /** The Gateway's Service and how it was found. */
    record GatewayService(Service service, Source source) {
    }

    /**
     * A listener's public address and port, and the Gateway address type the operator reports for it in the
     * Gateway's {@code status.addresses}: the type of {@code spec.addresses[0]} ({@code IPAddress} when absent),
     * {@code Hostname} for a load-balancer hostname, {@code IPAddress} otherwise (a Node's ExternalDNS name too).
     */
    record PublicAddress(String address, int port, String type) {
    }

    /** The Service annotations in effect: GatewayConfig {@code loadBalancerServiceAnnotations}, then the Gateway's. */
    static Map<String, String> annotations(RenderContext ctx) {
        Map<String, String> m = new HashMap<>(ctx.gatewayConfig.loadBalancerServiceAnnotations());
        m.putAll(ctx.gateway.metadata().annotations());
        return m;
    }

    /** UDP for TURN-UDP and TURN-DTLS listeners, TCP for TURN-TCP and TURN-TLS (operator {@code getServiceProtocol}). */
    static String serviceProtocol(ListenerProtocol p) {
        return p == ListenerProtocol.TURN_UDP || p == ListenerProtocol.TURN_DTLS ? "UDP" : "TCP";
    }

    /**
     * A listener-name → port annotation ({@code stunner.l7mp.io/nodeport}, {@code stunner.l7mp.io/targetport}) as
     * the operator's {@code getServicePortsFromAnn} reads it: a JSON object of integers, braces optional. A value
     * that is not an integer makes the whole annotation invalid (ignored); names of no listener and ports outside
     * 1..65535 are ignored one by one. Each is a warning.
     */
    static Map<String, Integer> portMap(RenderContext ctx, String key) {
        Map<String, Integer> out = new LinkedHashMap<>();
        String raw = annotations(ctx).get(key);
        if (raw == null) {
            return out;
        }
        String w = "gateway " + ctx.gatewayKey() + ": annotation " + key + " ";
        String expected = " (expected: JSON map of listener names to ports, such as {\"udp-listener\":3478}); ignored";
        JsonNode n = parseObject(raw);
        if (n == null) {
            n = parseObject("{" + raw + "}");
        }
        if (n == null) {
            ctx.warn(w + "\"" + raw + "\"" + expected);
            return out;
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt()) {
                ctx.warn(w + "\"" + raw + "\": \"" + e.getKey() + "\": " + e.getValue() + " is not an integer" + expected);
                return new LinkedHashMap<>();
            }
        }
        List<String> names = ctx.gateway.listeners().stream().map(Gateway.Listener::name).toList();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            int port = e.getValue().asInt();
            if (port < 1 || port > 65535) {
                ctx.warn(w + "\"" + e.getKey() + "\": " + port + " (expected: port 1..65535); ignored");
            } else if (!names.contains(e.getKey())) {
                ctx.warn(w + "\"" + e.getKey() + "\" names no listener; ignored");
            } else {
                out.put(e.getKey(), port);
            }
        }
        return out;
    }

    private static JsonNode parseObject(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The Gateway's Service: owned, else adopted, else the one the operator would create. */
    static GatewayService gatewayService(RenderContext ctx) {
        Gateway gw = ctx.gateway;
        Service best = null;
        for (Service s : ctx.resources.services()) {
            if (gw.key().equals(s.metadata().annotations().get(Service.ANNOTATION_RELATED_GATEWAY))
                    && s.metadata().isOwnedBy(Gateway.KIND, gw.metadata()) && preferred(best, s)) {
                best = s;
            }
        }
        if (best != null) {
            return new GatewayService(best, Source.OWNED);
        }
        var named = ctx.resources.service(gw.metadata().namespace(), gw.metadata().name());
        if (named.isPresent()) {
            ctx.warn("gateway " + gw.key() + ": service " + named.get().key() + " is not annotated "
                    + Service.ANNOTATION_RELATED_GATEWAY + ": " + gw.key() + " and owned by the Gateway; the operator"
                    + " adopts the Service named like the Gateway, so it is taken as the Gateway's Service");
            return new GatewayService(named.get(), Source.ADOPTED);
        }
        return new GatewayService(assumedService(ctx), Source.ASSUMED);
    }

    /** Operator {@code isSvcPreferred}: ClusterIP &lt; NodePort &lt; ExternalName &lt; LoadBalancer; first wins ties. */
    private static boolean preferred(Service current, Service candidate) {
        return current == null || rank(candidate) > rank(current);
    }

    private static int rank(Service s) {
        return SERVICE_TYPES.indexOf(s.effectiveType());
    }

    /** The Service the operator would create for the Gateway (operator {@code createLbService4Gateway}). */
    private static Service assumedService(RenderContext ctx) {
        Map<String, String> ann = annotations(ctx);
        String type = ann.getOrDefault(ANNOTATION_SERVICE_TYPE, DEFAULT_SERVICE_TYPE);
        if (!SERVICE_TYPES.contains(type)) {
            type = DEFAULT_SERVICE_TYPE;
        }
        boolean mixed = "true".equals(ann.getOrDefault(ANNOTATION_MIXED_PROTOCOL, "").toLowerCase(Locale.ROOT));
        Map<String, Integer> nodePorts = portMap(ctx, ANNOTATION_NODE_PORT);
        List<Service.Port> ports = new ArrayList<>();
        String serviceProto = null;
        for (Gateway.Listener l : ctx.gateway.listeners()) {
            ListenerProtocol p = ListenerProtocol.parse(l.protocol());
            if (p == null) {
                continue;
            }
            String proto = serviceProtocol(p);
            if (serviceProto == null || mixed) {
                serviceProto = proto;
            }
            if (proto.equals(serviceProto)) {
                ports.add(new Service.Port(l.name(), proto, l.port(), nodePorts.get(l.name())));
            }
        }
        Gateway gw = ctx.gateway;
        ObjectMeta meta = new ObjectMeta(gw.metadata().name(), gw.metadata().namespace(), Map.of(),
                Map.of(Service.ANNOTATION_RELATED_GATEWAY, gw.key()));
        return new Service("v1", meta, type, null, ports, List.of(), new Origin("(assumed)", 0));
    }

    /**
     * The public address of {@code l} through {@code gs}, or {@code null}; {@code why} receives the reason when
     * there is none.
     */
    static PublicAddress publicAddress(RenderContext ctx, GatewayService gs, Gateway.Listener l, ListenerProtocol p,
                                       StringBuilder why) {
        Service svc = gs.service();
        String proto = serviceProtocol(p);
        int index = -1;
        for (int i = 0; i < svc.ports().size(); i++) {
            Service.Port sp = svc.ports().get(i);
            if (sp.port() == l.port() && proto.equalsIgnoreCase(sp.protocol())) {
                index = i;
                break;
            }
        }
        String svcName = gs.source() == Source.ASSUMED ? "the Service the operator would create"
                : "service " + svc.key();
        if (index < 0) {
            why.append(svcName).append(" has no port ").append(l.port()).append('/').append(proto)
                    .append(" (the operator exposes only the first listener's protocol unless ")
                    .append(ANNOTATION_MIXED_PROTOCOL).append(": \"true\")");
            return null;
        }
        Service.Port sp = svc.ports().get(index);
        List<Gateway.Address> addrs = ctx.gateway.addresses();
        if (!addrs.isEmpty() && addrs.get(0).value() != null && !addrs.get(0).value().isEmpty()) {
            String type = addrs.get(0).type() == null || addrs.get(0).type().isEmpty() ? OperatorConditions.ADDRESS_IP
                    : addrs.get(0).type();
            return new PublicAddress(addrs.get(0).value(), sp.port(), type);
        }
        if ("LoadBalancer".equals(svc.effectiveType())) {
            PublicAddress lb = loadBalancerAddress(svc, index);
            if (lb != null) {
                return lb;
            }
        }
        String node = firstNodeAddress(ctx);
        if (node != null && sp.nodePort() != null && sp.nodePort() > 0) {
            return new PublicAddress(node, sp.nodePort(), OperatorConditions.ADDRESS_IP);
        }
        why.append(svcName).append(" (type ").append(svc.effectiveType()).append(") has no load-balancer address");
        if (node == null) {
            why.append(" and no Node in the input has an ExternalIP or ExternalDNS address");
        } else {
            why.append(" and its port ").append(l.port()).append('/').append(proto).append(" has no nodePort");
        }
        return null;
    }

    /** Operator {@code getLBAddr}: the ingress whose per-port status matches the port at {@code index}, else ingress[0]. */
    private static PublicAddress loadBalancerAddress(Service svc, int index) {
        Service.Port sp = svc.ports().get(index);
        for (Service.Ingress in : svc.ingress()) {
            if (index < in.ports().size()) {
                Service.PortStatus ps = in.ports().get(index);
                if (ps.port() != sp.port() || !ps.protocol().equals(sp.protocol())) {
                    continue;
                }
                PublicAddress a = ingressAddress(in, ps.port());
                if (a != null) {
                    return a;
                }
            }
        }
        if (!svc.ingress().isEmpty()) {
            return ingressAddress(svc.ingress().get(0), sp.port());
        }
        return null;
    }

    /** The ingress IP, else its hostname (AWS), at {@code port}; {@code null} when it has neither. */
    private static PublicAddress ingressAddress(Service.Ingress in, int port) {
        if (in.ip() != null && !in.ip().isEmpty()) {
            return new PublicAddress(in.ip(), port, OperatorConditions.ADDRESS_IP);
        }
        if (in.hostname() != null && !in.hostname().isEmpty()) {
            return new PublicAddress(in.hostname(), port, OperatorConditions.ADDRESS_HOSTNAME);
        }
        return null;
    }

    /** Operator {@code getFirstNodeAddr}: the first Node with an external address (input order; the operator's is a map's). */
    private static String firstNodeAddress(RenderContext ctx) {
        for (Node n : ctx.resources.nodes()) {
            String a = n.externalAddress();
            if (a != null) {
                return a;
            }
        }
        return null;
    }
}
