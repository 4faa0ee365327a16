package io.turngate.config.render;

import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.Namespace;
import io.turngate.config.gateway.UdpRoute;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which UDPRoutes attach to which listener (operator {@code udproute_util.go}, Gateway API
 * {@code ParentReference} and {@code AllowedRoutes}): a route attaches to listener L of Gateway G iff one of its
 * parentRefs has group {@code gateway.networking.k8s.io} (or empty), kind {@code Gateway} (or empty), namespace
 * (default: the route's) = G's namespace, name = G's name, sectionName empty or = L's name, and L's
 * {@code allowedRoutes.namespaces} admits the route's namespace. {@code parentRef.port} is ignored.
 */
final class RouteAttachment {
    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    private RouteAttachment() {
    }

    /** True when {@code p} names {@code gw} (group, kind, namespace, name); sectionName not considered. */
    static boolean refersTo(UdpRoute route, UdpRoute.ParentRef p, Gateway gw) {
        return isGatewayRef(p)
                && namespaceOf(route, p).equals(gw.metadata().namespace())
                && p.name().equals(gw.metadata().name());
    }

    static boolean isGatewayRef(UdpRoute.ParentRef p) {
        return (p.group() == null || p.group().isEmpty() || GATEWAY_GROUP.equals(p.group()))
                && (p.kind() == null || p.kind().isEmpty() || "Gateway".equals(p.kind()));
    }

    static String namespaceOf(UdpRoute route, UdpRoute.ParentRef p) {
        return p.namespace() == null || p.namespace().isEmpty() ? route.metadata().namespace() : p.namespace();
    }

    /** Routes attached to listener {@code l} of the context's Gateway, sorted by key. */
    static List<UdpRoute> routesFor(RenderContext ctx, Gateway.Listener l) {
        List<UdpRoute> out = new ArrayList<>();
        for (UdpRoute r : ctx.resources.udpRoutes()) {
            for (UdpRoute.ParentRef p : r.parentRefs()) {
                if (refersTo(r, p, ctx.gateway) && (p.sectionName() == null || p.sectionName().equals(l.name()))
                        && admits(ctx, l, r)) {
                    out.add(r);
                    break;
                }
            }
        }
        out.sort(Comparator.comparing(UdpRoute::key));
        return out;
    }

    /**
     * Routes attached to at least one listener of the context's Gateway, sorted by key; parentRefs that name the
     * Gateway but are not accepted produce a warning saying why.
     */
    static List<UdpRoute> attachedRoutes(RenderContext ctx) {
        Gateway gw = ctx.gateway;
        List<UdpRoute> out = new ArrayList<>();
        for (UdpRoute r : ctx.resources.udpRoutes()) {
            boolean attached = false;
            for (int i = 0; i < r.parentRefs().size(); i++) {
                UdpRoute.ParentRef p = r.parentRefs().get(i);
                if (!refersTo(r, p, gw)) {
                    continue;
                }
                List<Gateway.Listener> candidates = gw.listeners().stream()
                        .filter(l -> p.sectionName() == null || p.sectionName().equals(l.name()))
                        .collect(Collectors.toList());
                if (candidates.isEmpty()) {
                    ctx.warn("udproute " + r.key() + ": spec.parentRefs[" + i + "] " + p + ": sectionName \""
                            + p.sectionName() + "\" names no listener of gateway " + gw.key() + " (expected: one of "
                            + gw.listeners().stream().map(Gateway.Listener::name).collect(Collectors.joining(", "))
                            + "); not attached");
                    continue;
                }
                boolean any = false;
                for (Gateway.Listener l : candidates) {
                    if (admits(ctx, l, r)) {
                        any = true;
                    }
                }
                if (any) {
                    attached = true;
                } else {
                    ctx.warn("udproute " + r.key() + ": spec.parentRefs[" + i + "] " + p + ": namespace \""
                            + r.metadata().namespace() + "\" is not allowed by "
                            + candidates.stream().map(l -> "listener \"" + l.name() + "\" (allowedRoutes.namespaces.from: "
                                    + l.allowedRoutes().from() + ")").collect(Collectors.joining(", "))
                            + " of gateway " + gw.key() + "; not attached");
                }
            }
            if (attached) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(UdpRoute::key));
        return out;
    }

    /** {@code allowedRoutes.namespaces} of {@code l} admits the namespace of {@code r}. */
    static boolean admits(RenderContext ctx, Gateway.Listener l, UdpRoute r) {
        String routeNs = r.metadata().namespace();
        Gateway.AllowedRoutes a = l.allowedRoutes();
        switch (a.from()) {
            case "All":
                return true;
            case "Selector": {
                if (a.selector() == null) {
                    ctx.warn("gateway " + ctx.gatewayKey() + ": listener \"" + l.name()
                            + "\": allowedRoutes.namespaces.from is Selector but no selector is given"
                            + " (expected: allowedRoutes.namespaces.selector); no namespace matches");
                    return false;
                }
                Optional<Namespace> ns = ctx.resources.namespace(routeNs);
                if (ns.isEmpty()) {
                    ctx.warn("gateway " + ctx.gatewayKey() + ": listener \"" + l.name() + "\": namespace \"" + routeNs
                            + "\" of udproute " + r.key() + " is not in the input, so allowedRoutes.namespaces.selector"
                            + " cannot be evaluated (treated as not matching; include the Namespace object)");
                    return false;
                }
                return a.selector().matches(ns.get().effectiveLabels());
            }
            case "Same":
            default:
                return routeNs.equals(ctx.gateway.metadata().namespace());
        }
    }

    /** Warnings for parentRefs naming a Gateway that is not in the input at all. */
    static List<String> danglingParentRefs(GatewayResources res) {
        List<String> out = new ArrayList<>();
        for (UdpRoute r : res.udpRoutes()) {
            for (int i = 0; i < r.parentRefs().size(); i++) {
                UdpRoute.ParentRef p = r.parentRefs().get(i);
                if (!isGatewayRef(p)) {
                    continue;
                }
                String ns = namespaceOf(r, p);
                if (res.gateway(ns, p.name()).isEmpty()) {
                    out.add("udproute " + r.key() + ": spec.parentRefs[" + i + "] " + p + ": no Gateway " + ns + "/"
                            + p.name() + " in the input (dangling parentRef; not attached there)");
                }
            }
        }
        return out;
    }
}
