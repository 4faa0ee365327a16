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
 * only.
 *
 * <ul>
 *   <li>A backendRef is a Service (group absent or {@code ""}, kind absent or {@code Service}) or a StaticService
 *       (group {@code stunner.l7mp.io} and kind {@code StaticService}); anything else is skipped.</li>
 *   <li>Service, with endpoint discovery on ({@link RenderOptions#endpointDiscovery()}): every EndpointSlice
 *       address (regardless of conditions; the legacy Endpoints object when the input has no slice for it) plus,
 *       with {@link RenderOptions#relayToClusterIP()}, the ClusterIP. When both lookups fail the backend is skipped
 *       (BackendNotFound), as for a missing cross-namespace Service; the other backends stay. Offline exception: a
 *       Service that is in the input, has no ClusterIP yet and no endpoints, in an input without any EndpointSlice
 *       or Endpoints (a set of manifests, not a cluster dump), becomes STRICT_DNS
 *       {@code <svc>.<ns>.svc.cluster.local}, with a warning; never for resources read from a cluster
 *       ({@link io.turngate.config.gateway.GatewayResources#fromCluster()}).</li>
 *   <li>Service, endpoint discovery off: STRICT_DNS {@code <svc>.<ns>.svc.cluster.local}, existing or not.</li>
 *   <li>StaticService: its prefixes verbatim; skipped when missing.</li>
 *   <li>{@code port}/{@code endPort} ({@code injectPortRange}): a valid port alone is {@code :<port-port>}; a valid
 *       endPort ({@code >= port}) ends the range, which starts at 1 when there is no port; the full range 1-65535
 *       adds nothing. Applied to every endpoint of a STATIC backend.</li>
 *   <li>The first kept backend fixes the cluster type; a backend of the other type is skipped as inconsistent.</li>
 * </ul>
 *
 * <p>Where the operator's own error bookkeeping renders something else from the same backends (a backend after
 * a missing one is dropped too; no cluster at all when the last backend is a missing StaticService; the cluster
 * type of the last, skipped backend), turngate keeps to the rules above and says so in a warning.
 */
final class ClusterRenderer {
    private static final String STUNNER_GROUP = "stunner.l7mp.io";
    private static final int MIN_PORT = 1;
    private static final int MAX_PORT = 65535;

    private ClusterRenderer() {
    }

    /** What the operator's {@code renderCluster} records as the route's last error. */
    private enum OperatorError { NONE, BACKEND_NOT_FOUND, INVALID_KIND, OTHER }

    /**
     * The route's {@code ResolvedRefs} as the operator reports it: from the last error its {@code renderCluster}
     * records (operator {@code setRouteConditionStatus}): none is {@code ResolvedRefs}, an invalid backend group or
     * kind is {@code InvalidKind}, anything else (a missing Service or StaticService, a Service without endpoints
     * or ClusterIP, inconsistent cluster types, no rules at all) is {@code BackendNotFound}.
     */
    enum ResolvedRefs {
        RESOLVED, INVALID_KIND, BACKEND_NOT_FOUND
    }

    /** A route's cluster ({@code null} when not rendered) and its {@code ResolvedRefs}. */
    record Rendered(ObjectNode cluster, ResolvedRefs resolvedRefs) {
    }

    /** How the operator's renderer sees a backend. */
    private enum OperatorView {
        /** Resolved without error. */
        FOUND,
        /** Resolved, but one of its lookups failed (no endpoints, or no ClusterIP): its error replaces earlier ones. */
        FOUND_WITH_ERROR,
        /** Skipped as not found (BackendNotFound). */
        NOT_FOUND
    }

    /** A resolved backend: type {@code null} means skipped here. */
    private record Backend(ClusterType type, List<String> endpoints, OperatorView operator) {
        static final Backend NOT_FOUND = new Backend(null, List.of(), OperatorView.NOT_FOUND);
    }

    /** Renders the cluster of {@code r}, or {@code null} (with a warning) when the route has no rules. */
    static ObjectNode render(RenderContext ctx, UdpRoute r) {
        return renderWithRefs(ctx, r).cluster();
    }

    /** The cluster of {@code r} as {@link #render}, and the route's {@code ResolvedRefs} as the operator reports it. */
    static Rendered renderWithRefs(RenderContext ctx, UdpRoute r) {
        String rw = "udproute " + r.key() + ": ";
        if (r.rules().isEmpty()) {
            ctx.warn(rw + "spec.rules missing (expected: at least one rule with backendRefs); route not rendered");
            return new Rendered(null, ResolvedRefs.BACKEND_NOT_FOUND);
        }
        if (r.rules().size() > 1) {
            ctx.warn(rw + r.rules().size() + " rules; only spec.rules[0] is rendered (STUNner), the others are ignored");
        }
        ClusterType ctype = null;
        Set<String> eps = new LinkedHashSet<>();
        // the operator's bookkeeping, only to tell where its result differs
        OperatorError opError = OperatorError.NONE;
        ClusterType opType = ClusterType.STATIC;
        boolean opTypeKnown = true;
        boolean offlineFallback = false;
        List<UdpRoute.BackendRef> backends = r.rules().get(0).backendRefs();
        for (int j = 0; j < backends.size(); j++) {
            UdpRoute.BackendRef b = backends.get(j);
            String bw = rw + "spec.rules[0].backendRefs[" + j + "] ";
            String group = b.group() == null ? "" : b.group();
            String kind = b.kind() == null ? Service.KIND : b.kind();
            if (!group.isEmpty() && !group.equals(STUNNER_GROUP)) {
                ctx.warn(bw + "group \"" + group + "\" (expected: \"\" or " + STUNNER_GROUP + "); backend skipped");
                opError = OperatorError.INVALID_KIND;
                continue;
            }
            if (!kind.equals(Service.KIND) && !kind.equals(StaticService.KIND)) {
                ctx.warn(bw + "kind \"" + kind + "\" (expected: Service or StaticService); backend skipped");
                opError = OperatorError.INVALID_KIND;
                continue;
            }
            boolean isService = group.isEmpty() && kind.equals(Service.KIND);
            boolean isStatic = group.equals(STUNNER_GROUP) && kind.equals(StaticService.KIND);
            if (!isService && !isStatic) {
                ctx.warn(bw + "group \"" + group + "\" with kind " + kind + " (expected: a Service of group \"\", or a"
                        + " StaticService of group " + STUNNER_GROUP + "); backend skipped");
                opError = OperatorError.INVALID_KIND;
                continue;
            }
            String ns = b.namespace() == null || b.namespace().isEmpty() ? r.metadata().namespace() : b.namespace();
            String target = kind + " " + ns + "/" + b.name();
            Backend be;
            if (isStatic) {
                Optional<StaticService> s = ctx.resources.staticService(ns, b.name());
                if (s.isEmpty()) {
                    ctx.warn(bw + target + ": not found in the input (dangling backendRef); backend skipped, as the"
                            + " operator does (BackendNotFound)");
                    be = Backend.NOT_FOUND;
                    opTypeKnown = false;
                } else {
                    be = new Backend(ClusterType.STATIC, s.get().prefixes(), OperatorView.FOUND);
                }
            } else {
                be = serviceBackend(ctx, b, ns, bw + target + ": ");
            }
            switch (be.operator()) {
                case NOT_FOUND:
                    opError = OperatorError.BACKEND_NOT_FOUND;
                    offlineFallback |= be.type() != null;
                    break;
                case FOUND_WITH_ERROR:
                    opError = OperatorError.OTHER;
                    opType = be.type();
                    opTypeKnown = true;
                    break;
                default:
                    if (opError == OperatorError.BACKEND_NOT_FOUND) {
                        ctx.warn(bw + target + ": the operator's renderer skips this backend too, because the error"
                                + " of an earlier backend that was not found is still pending; rendered here");
                    }
                    opType = be.type();
                    opTypeKnown = true;
            }
            if (be.type() == null) {
                continue;
            }
            if (ctype != null && be.type() != ctype) {
                ctx.warn(bw + target + ": " + be.type() + " backend in a " + ctype
                        + " cluster (inconsistent cluster type); backend skipped");
                opError = OperatorError.OTHER;
                continue;
            }
            if (be.type() == ClusterType.STATIC) {
                String suffix = portRange(ctx, b, bw);
                for (String e : be.endpoints()) {
                    eps.add(e + suffix);
                }
            } else {
                if (b.port() != null || b.endPort() != null) {
                    ctx.warn(bw + "port/endPort ignored: port ranges apply to STATIC clusters only");
                }
                eps.addAll(be.endpoints());
            }
            ctype = be.type();
        }
        if (ctype == null) {
            ctype = ClusterType.STATIC;
        }
        if (offlineFallback) {
            // the operator's view of this route is not known offline; nothing to compare
        } else if (!eps.isEmpty() && !opTypeKnown) {
            ctx.warn(rw + "the operator's renderer renders no cluster for this route, because its last backend is a"
                    + " StaticService that is not found; rendered here from the other backends");
        } else if (!eps.isEmpty() && opType != ctype) {
            ctx.warn(rw + "the operator's renderer gives this cluster type " + opType + ", the type of its last"
                    + " (skipped) backend; rendered here as " + ctype);
        }
        if (eps.isEmpty()) {
            ctx.warn(rw + "cluster " + r.key() + " has no endpoints; every peer is denied on it");
        }
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("name", r.key());
        c.put("type", ctype.name());
        c.put("protocol", "UDP");
        ArrayNode a = c.putArray("endpoints");
        eps.forEach(a::add);
        ResolvedRefs refs;
        if (!opTypeKnown) {
            refs = ResolvedRefs.BACKEND_NOT_FOUND;
        } else {
            switch (opError) {
                case NONE: refs = ResolvedRefs.RESOLVED; break;
                case INVALID_KIND: refs = ResolvedRefs.INVALID_KIND; break;
                default: refs = ResolvedRefs.BACKEND_NOT_FOUND;
            }
        }
        return new Rendered(c, refs);
    }

    /**
     * A Service backend. Endpoint discovery on: the EndpointSlice addresses (or the legacy Endpoints object when
     * the input has no slice for the Service) and, with relay-to-ClusterIP, the ClusterIP; not found when neither
     * gives anything (save the offline STRICT_DNS fallback). Off: the STRICT_DNS name.
     */
    private static Backend serviceBackend(RenderContext ctx, UdpRoute.BackendRef b, String ns, String w) {
        String name = b.name();
        String dns = name + "." + ns + ".svc.cluster.local";
        if (!ctx.options.endpointDiscovery()) {
            return new Backend(ClusterType.STRICT_DNS, List.of(dns), OperatorView.FOUND);
        }
        Optional<Service> svc = ctx.resources.service(ns, name);
        List<EndpointSlice> slices = ctx.resources.endpointSlicesFor(ns, name);
        Optional<Endpoints> legacy = slices.isEmpty() ? ctx.resources.endpoints(ns, name) : Optional.empty();
        // read from a cluster, no EndpointSlice means no endpoints: no offline guesses
        boolean inputHasEndpoints = ctx.resources.fromCluster() || !ctx.resources.endpointSlices().isEmpty()
                || !ctx.resources.endpoints().isEmpty();

        List<String> pods = new ArrayList<>();
        boolean podsFound;
        if (!slices.isEmpty()) {
            for (EndpointSlice s : slices) {
                if ("FQDN".equals(s.addressType())) {
                    ctx.warn(w + "endpointslice " + s.key() + ": addressType FQDN is not supported; addresses skipped");
                    continue;
                }
                for (String addr : s.addresses()) {
                    addAddress(ctx, w + "endpointslice " + s.key() + ": ", addr, pods);
                }
            }
            podsFound = !pods.isEmpty();
        } else if (legacy.isPresent()) {
            for (String addr : legacy.get().addresses()) {
                addAddress(ctx, w + "endpoints " + legacy.get().key() + ": ", addr, pods);
            }
            podsFound = true;
        } else {
            podsFound = false;
        }

        boolean relay = ctx.options.relayToClusterIP();
        List<String> clusterIp = new ArrayList<>();
        boolean clusterIpFound = !relay;
        if (relay && svc.isPresent() && svc.get().hasClusterIP()) {
            addAddress(ctx, w + "spec.clusterIP ", svc.get().clusterIP(), clusterIp);
            clusterIpFound = !clusterIp.isEmpty();
        }

        if (!podsFound && !clusterIpFound) {
            if (svc.isPresent() && relay && !inputHasEndpoints) {
                ctx.warn(w + "no EndpointSlice for the Service in the input; rendered as STRICT_DNS " + dns
                        + " (resolved at runtime: for a ClusterIP Service this admits only the ClusterIP; include"
                        + " `kubectl get endpointslices -n " + ns + " -l kubernetes.io/service-name=" + name
                        + " -o yaml` to admit the pod IPs)");
                return new Backend(ClusterType.STRICT_DNS, List.of(dns), OperatorView.NOT_FOUND);
            }
            ctx.warn(w + (svc.isEmpty() ? "neither the Service nor an EndpointSlice for it is in the input"
                    : "the Service has no endpoints in the input" + (relay ? " and no ClusterIP" : ""))
                    + "; backend skipped, as the operator does (BackendNotFound)");
            return Backend.NOT_FOUND;
        }
        if (!podsFound && !inputHasEndpoints) {
            ctx.warn(w + "no EndpointSlice for the Service in the input; only its ClusterIP is admitted (include"
                    + " `kubectl get endpointslices -n " + ns + " -l kubernetes.io/service-name=" + name
                    + " -o yaml` to admit the pod IPs)");
        }
        if (relay && svc.isEmpty()) {
            ctx.warn(w + "the Service is not in the input; its ClusterIP is not added");
        }
        List<String> all = new ArrayList<>(pods);
        all.addAll(clusterIp);
        return new Backend(ClusterType.STATIC, all,
                podsFound && clusterIpFound ? OperatorView.FOUND : OperatorView.FOUND_WITH_ERROR);
    }

    private static void addAddress(RenderContext ctx, String w, String addr, List<String> out) {
        if (Endpoint.parseIpLiteral(addr) == null) {
            ctx.warn(w + "address \"" + addr + "\" (expected: IPv4 or IPv6 address); skipped");
            return;
        }
        out.add(addr);
    }

    /**
     * {@code :<lo-hi>} as the operator's {@code injectPortRange} builds it, or empty for the full range: a port in
     * 1..65535 is both ends; an endPort in 1..65535 and not below the start replaces the end (so endPort alone
     * means 1..endPort).
     */
    private static String portRange(RenderContext ctx, UdpRoute.BackendRef b, String bw) {
        int lo = MIN_PORT;
        int hi = MAX_PORT;
        Integer port = b.port();
        Integer end = b.endPort();
        if (port != null) {
            if (port >= MIN_PORT && port <= MAX_PORT) {
                lo = port;
                hi = port;
            } else {
                ctx.warn(bw + "port " + port + " (expected: 1..65535); ignored");
            }
        }
        if (end != null) {
            if (end >= MIN_PORT && end <= MAX_PORT && end >= lo) {
                hi = end;
                if (port == null) {
                    ctx.warn(bw + "endPort " + end + " without port: ports " + lo + "-" + end + " allowed (the"
                            + " operator starts the range at " + MIN_PORT + ")");
                }
            } else {
                ctx.warn(bw + "endPort " + end + " (expected: " + lo + "..65535); ignored"
                        + (lo == hi ? ", only port " + lo + " allowed" : ""));
            }
        }
        if (lo == MIN_PORT && hi == MAX_PORT) {
            return "";
        }
        return ":<" + lo + "-" + hi + ">";
    }
}
