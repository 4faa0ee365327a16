package io.turngate.config.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.EndpointSlice;
import io.turngate.config.gateway.Endpoints;
import io.turngate.config.gateway.Service;
import io.turngate.config.gateway.StaticService;
import io.turngate.config.gateway.UdpRoute;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Endpoint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code clusters[]} entry per attached UDPRoute (operator {@code cluster_render.go}, stunner-compat §2
 * "Backends → cluster endpoints"): name {@code <route-ns>/<route>}, protocol UDP, endpoints from {@code rules[0]}
 * only. Service backends contribute every EndpointSlice address (regardless of conditions) plus the ClusterIP;
 * StaticService backends their prefixes verbatim; {@code port}/{@code endPort} append {@code :<lo-hi>} to every
 * STATIC endpoint of that backend. The first usable backend fixes the cluster type; a backend of the other type
 * is skipped as inconsistent.
 */
final class ClusterRenderer {
    private static final String STUNNER_GROUP = "stunner.l7mp.io";

    private ClusterRenderer() {
    }

    /** Renders the cluster of {@code r}, or {@code null} (with a warning) when the route has no rules. */
    static ObjectNode render(RenderContext ctx, UdpRoute r) {
        String rw = "udproute " + r.key() + ": ";
        if (r.rules().isEmpty()) {
            ctx.warn(rw + "spec.rules missing (expected: at least one rule with backendRefs); route not rendered");
            return null;
        }
        if (r.rules().size() > 1) {
            ctx.warn(rw + r.rules().size() + " rules; only spec.rules[0] is rendered (STUNner), the others are ignored");
        }
        ClusterType ctype = null;
        Set<String> eps = new LinkedHashSet<>();
        List<UdpRoute.BackendRef> backends = r.rules().get(0).backendRefs();
        for (int j = 0; j < backends.size(); j++) {
            UdpRoute.BackendRef b = backends.get(j);
            String bw = rw + "spec.rules[0].backendRefs[" + j + "] ";
            String group = b.group() == null ? "" : b.group();
            if (!group.isEmpty() && !group.equals("core") && !group.equals(STUNNER_GROUP)) {
                ctx.warn(bw + "group \"" + group + "\" (expected: \"\", core or " + STUNNER_GROUP + "); backend skipped");
                continue;
            }
            String kind = b.kind() == null || b.kind().isEmpty() ? Service.KIND : b.kind();
            if (!kind.equals(Service.KIND) && !kind.equals(StaticService.KIND)) {
                ctx.warn(bw + "kind \"" + kind + "\" (expected: Service or StaticService); backend skipped");
                continue;
            }
            String ns = b.namespace() == null || b.namespace().isEmpty() ? r.metadata().namespace() : b.namespace();
            String target = kind + " " + ns + "/" + b.name();
            List<String> bEps = new ArrayList<>();
            ClusterType btype;
            if (kind.equals(StaticService.KIND)) {
                Optional<StaticService> s = ctx.resources.staticService(ns, b.name());
                if (s.isEmpty()) {
                    ctx.warn(bw + target + ": not found in the input (dangling backendRef); backend skipped");
                    continue;
                }
                bEps.addAll(s.get().prefixes());
                btype = ClusterType.STATIC;
            } else {
                btype = serviceEndpoints(ctx, ns, b.name(), bw + target + ": ", bEps);
            }
            if (ctype != null && btype != ctype) {
                ctx.warn(bw + target + ": " + btype + " backend in a " + ctype
                        + " cluster (inconsistent cluster type); backend skipped");
                continue;
            }
            if (btype == ClusterType.STATIC) {
                String suffix = portRange(ctx, b, bw);
                for (String e : bEps) {
                    eps.add(e + suffix);
                }
            } else {
                if (b.port() != null) {
                    ctx.warn(bw + "port/endPort ignored: port ranges apply to STATIC clusters only");
                }
                eps.addAll(bEps);
            }
            ctype = btype;
        }
        if (eps.isEmpty()) {
            ctx.warn(rw + "cluster " + r.key() + " has no endpoints; every peer is denied on it");
        }
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("name", r.key());
        c.put("type", (ctype == null ? ClusterType.STATIC : ctype).name());
        c.put("protocol", "UDP");
        ArrayNode a = c.putArray("endpoints");
        eps.forEach(a::add);
        return c;
    }

    /**
     * Endpoints of a Service backend: all EndpointSlice addresses + the ClusterIP (STATIC); the legacy Endpoints
     * object when there is no EndpointSlice; otherwise the offline fallback {@code <svc>.<ns>.svc.cluster.local}
     * (STRICT_DNS).
     */
    private static ClusterType serviceEndpoints(RenderContext ctx, String ns, String name, String w, List<String> out) {
        Optional<Service> svc = ctx.resources.service(ns, name);
        List<EndpointSlice> slices = ctx.resources.endpointSlicesFor(ns, name);
        Optional<Endpoints> legacy = slices.isEmpty() ? ctx.resources.endpoints(ns, name) : Optional.empty();
        if (slices.isEmpty() && legacy.isEmpty()) {
            String dns = name + "." + ns + ".svc.cluster.local";
            if (svc.isEmpty()) {
                ctx.warn(w + "neither the Service nor an EndpointSlice for it is in the input (dangling backendRef?);"
                        + " rendered as STRICT_DNS " + dns);
            } else {
                ctx.warn(w + "no EndpointSlice for the Service in the input; rendered as STRICT_DNS " + dns
                        + " (resolved at runtime: for a ClusterIP Service this admits only the ClusterIP; include"
                        + " `kubectl get endpointslices -n " + ns + " -l kubernetes.io/service-name=" + name
                        + " -o yaml` to admit the pod IPs)");
            }
            out.add(dns);
            return ClusterType.STRICT_DNS;
        }
        if (!slices.isEmpty()) {
            for (EndpointSlice s : slices) {
                if ("FQDN".equals(s.addressType())) {
                    ctx.warn(w + "endpointslice " + s.key() + ": addressType FQDN is not supported; addresses skipped");
                    continue;
                }
                for (String addr : s.addresses()) {
                    addAddress(ctx, w + "endpointslice " + s.key() + ": ", addr, out);
                }
            }
        } else {
            for (String addr : legacy.get().addresses()) {
                addAddress(ctx, w + "endpoints " + legacy.get().key() + ": ", addr, out);
            }
        }
        if (svc.isEmpty()) {
            ctx.warn(w + "the Service is not in the input; its ClusterIP is not added");
        } else if (svc.get().hasClusterIP()) {
            addAddress(ctx, w + "spec.clusterIP ", svc.get().clusterIP(), out);
        }
        return ClusterType.STATIC;
    }

    private static void addAddress(RenderContext ctx, String w, String addr, List<String> out) {
        if (Endpoint.parseIpLiteral(addr) == null) {
            ctx.warn(w + "address \"" + addr + "\" (expected: IPv4 or IPv6 address); skipped");
            return;
        }
        out.add(addr);
    }

    /**
     * {@code :<port-port>} or {@code :<port-endPort>} (operator {@code injectPortRange}); empty for no
     * restriction, for the full range 1-65535, and when only {@code endPort} is given.
     */
    private static String portRange(RenderContext ctx, UdpRoute.BackendRef b, String bw) {
        Integer port = b.port();
        Integer end = b.endPort();
        if (port != null && (port < 1 || port > 65535)) {
            ctx.warn(bw + "port " + port + " (expected: 1..65535); ignored, all ports allowed");
            port = null;
        }
        if (port == null) {
            if (end != null) {
                ctx.warn(bw + "endPort " + end + " without port (expected: port as well); ignored, all ports allowed");
            }
            return "";
        }
        int hi = port;
        if (end != null) {
            if (end >= port && end <= 65535) {
                hi = end;
            } else {
                ctx.warn(bw + "endPort " + end + " (expected: " + port + "..65535); ignored, only port " + port + " allowed");
            }
        }
        if (port == 1 && hi == 65535) {
            return "";
        }
        return ":<" + port + "-" + hi + ">";
    }
}
