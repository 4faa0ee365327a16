package io.turngate.config.render;

import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.ObjectMeta;
import io.turngate.config.gateway.Resource;
import io.turngate.config.gateway.UdpRoute;
import io.turngate.config.render.RenderContext.ListenerOutcome;
import io.turngate.config.render.RenderStatus.Address;
import io.turngate.config.render.RenderStatus.Condition;
import io.turngate.config.render.RenderStatus.GatewayClassStatus;
import io.turngate.config.render.RenderStatus.GatewayStatus;
import io.turngate.config.render.RenderStatus.ListenerStatus;
import io.turngate.config.render.RenderStatus.ObjectRef;
import io.turngate.config.render.RenderStatus.ParentRef;
import io.turngate.config.render.RenderStatus.RouteParentStatus;
import io.turngate.config.render.RenderStatus.RouteStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.turngate.config.render.OperatorConditions.*;

/**
 * Collects the statuses of one {@link GatewayRenderer#renderWithStatus} call, as the operator's managed-mode pipeline
 * sets them ({@code render_pipeline.go} {@code renderManagedGateways}, {@code renderForGateways},
 * {@code invalidateGatewayClass}, {@code invalidateGateways}):
 * <ul>
 *   <li>a STUNner GatewayClass with a well-formed {@code parametersRef} is {@code Accepted}, or {@code Accepted=False}
 *       ({@code InvalidParameters}) when its GatewayConfig is missing, and then every Gateway of the class is
 *       invalidated with the same error;</li>
 *   <li>a rendered Gateway is {@code Accepted}, {@code Programmed} when every listener has a public address (else
 *       {@code AddressNotAssigned}), its {@code addresses} the last listener address found; a Gateway whose render
 *       failed is invalidated: {@code Accepted=False} ({@code Pending}), {@code Programmed=False} ({@code Invalid}),
 *       every listener {@code Accepted=Unknown} ({@code Pending}) with no routes;</li>
 *   <li>a UDPRoute with a parentRef to a Gateway of such a class gets one parent status per parentRef:
 *       {@code Accepted} when a listener of the named Gateway admits it, {@code NotAllowedByListeners} when the
 *       Gateway exists but no listener does, {@code NoMatchingParent} when there is no such Gateway (whatever its
 *       class, as the operator does), and {@code ResolvedRefs} from its backends; a v1alpha2 route masked by a STUNner
 *       route is {@code Accepted=False} ({@code Pending}).</li>
 * </ul>
 * Not a thread-safe object; confined to one render call.
 */
final class StatusRenderer {
    private final GatewayResources res;
    private final RenderOptions options;
    private final List<GatewayClassStatus> classes = new ArrayList<>();
    private final List<GatewayStatus> gateways = new ArrayList<>();
    /** Names of the STUNner classes with a well-formed parametersRef: their Gateways' routes get a status. */
    private final Set<String> managedClasses = new HashSet<>();

    StatusRenderer(GatewayResources res, RenderOptions options) {
        this.res = res;
        this.options = options;
    }

    /**
     * A managed GatewayClass (STUNner controller, well-formed parametersRef): {@code configError} is {@code null}
     * when its GatewayConfig exists, else the operator's error text.
     */
    void managedClass(GatewayClass gc, String configError) {
        managedClasses.add(gc.metadata().name());
        classes.add(new GatewayClassStatus(ref(gc),
                List.of(configError == null ? classAccepted() : classInvalidParameters(configError))));
    }

    /** A Gateway rendered through {@code ctx}. */
    void rendered(Gateway gw, RenderContext ctx) {
        List<ListenerStatus> listeners = new ArrayList<>();
        Address address = null;
        boolean allAddressed = true;
        for (ListenerOutcome o : ctx.listenerOutcomes()) {
            List<Condition> cs;
            int routes = o.attachedRoutes();
            switch (o.verdict()) {
                case CONFLICTED:
                    cs = List.of(listenerPortUnavailable(), listenerProtocolConflict(), listenerResolvedRefs());
                    break;
                case INVALID_PROTOCOL:
                    cs = List.of(listenerUnsupportedProtocol(), listenerNoConflicts(), listenerResolvedRefs());
                    routes = 0;
                    break;
                case INVALID_CERTIFICATE_REF:
                    cs = List.of(listenerAccepted(), listenerNoConflicts(), listenerInvalidCertificateRef());
                    routes = 0;
                    break;
                default:
                    cs = List.of(listenerAccepted(), listenerNoConflicts(), listenerResolvedRefs());
            }
            listeners.add(new ListenerStatus(o.name(), SUPPORTED_KINDS, routes, cs));
            if (o.address() == null) {
                allAddressed = false;
            } else {
                address = new Address(o.address().type(), o.address().address());
            }
        }
        gateways.add(new GatewayStatus(ref(gw), address == null ? List.of() : List.of(address),
                List.of(gatewayAccepted(), allAddressed ? gatewayProgrammed() : gatewayAddressNotAssigned()),
                listeners));
    }

    /** A Gateway of a managed class that could not be rendered; {@code error} goes into its conditions. */
    void invalidated(Gateway gw, String error) {
        List<ListenerStatus> listeners = new ArrayList<>();
        for (Gateway.Listener l : gw.listeners()) {
            listeners.add(new ListenerStatus(l.name(), SUPPORTED_KINDS, 0,
                    List.of(listenerPending(), listenerNoConflicts(), listenerResolvedRefs())));
        }
        gateways.add(new GatewayStatus(ref(gw), List.of(), List.of(gatewayPending(error), gatewayInvalid(error)),
                listeners));
    }

    /** All statuses; route statuses are computed here, once every managed class is known. */
    RenderStatus build() {
        List<RouteStatus> routes = new ArrayList<>();
        List<UdpRoute> live = new ArrayList<>(res.udpRoutes());
        live.sort(ROUTE_ORDER);
        RenderContext scratch = new RenderContext(res, null, null, null, options);
        for (UdpRoute r : live) {
            if (!controlled(r)) {
                continue;
            }
            ClusterRenderer.ResolvedRefs refs = ClusterRenderer.renderWithRefs(scratch, r).resolvedRefs();
            Condition resolved = switch (refs) {
                case RESOLVED -> routeResolvedRefs();
                case INVALID_KIND -> routeUnresolvedRefs(REASON_INVALID_KIND);
                case BACKEND_NOT_FOUND -> routeUnresolvedRefs(REASON_BACKEND_NOT_FOUND);
            };
            List<RouteParentStatus> parents = new ArrayList<>();
            for (UdpRoute.ParentRef p : r.parentRefs()) {
                parents.add(new RouteParentStatus(statusRef(p), RenderStatus.CONTROLLER_NAME,
                        List.of(accepted(r, p), resolved)));
            }
            routes.add(new RouteStatus(ref(r), parents));
        }
        List<UdpRoute> masked = new ArrayList<>(res.maskedUdpRoutes());
        masked.sort(ROUTE_ORDER);
        for (UdpRoute r : masked) {
            if (!controlled(r)) {
                continue;
            }
            List<RouteParentStatus> parents = new ArrayList<>();
            for (UdpRoute.ParentRef p : r.parentRefs()) {
                parents.add(new RouteParentStatus(statusRef(p), RenderStatus.CONTROLLER_NAME,
                        List.of(routeMasked(), routeResolvedRefs())));
            }
            routes.add(new RouteStatus(ref(r), parents));
        }
        routes.sort(Comparator.comparing((RouteStatus s) -> s.object().key()).thenComparing(s -> s.object().apiVersion()));
        List<GatewayClassStatus> cs = new ArrayList<>(classes);
        cs.sort(Comparator.comparing(s -> s.object().name()));
        return new RenderStatus(cs, gateways, routes);
    }

    private static final Comparator<UdpRoute> ROUTE_ORDER = Comparator.comparing(UdpRoute::key);

    /** Operator {@code isRouteControlled}: a parentRef names an existing Gateway of a managed class. */
    private boolean controlled(UdpRoute r) {
        for (UdpRoute.ParentRef p : r.parentRefs()) {
            Optional<Gateway> gw = parent(r, p);
            if (gw.isPresent() && managedClasses.contains(gw.get().gatewayClassName())) {
                return true;
            }
        }
        return false;
    }

    /** Operator {@code getParentGateway}: by namespace and name only (group and kind are checked per listener). */
    private Optional<Gateway> parent(UdpRoute r, UdpRoute.ParentRef p) {
        return res.gateway(RouteAttachment.namespaceOf(r, p), p.name());
    }

    /** Operator {@code isParentAcceptingRoute} (class not considered) turned into the Accepted condition. */
    private Condition accepted(UdpRoute r, UdpRoute.ParentRef p) {
        String id = RouteAttachment.namespaceOf(r, p) + "/" + p.name();
        Optional<Gateway> gw = parent(r, p);
        if (gw.isEmpty()) {
            return routeNoMatchingParent(id);
        }
        RenderContext ctx = new RenderContext(res, gw.get(), null, null, options);
        if (RouteAttachment.refersTo(r, p, gw.get())) {
            for (Gateway.Listener l : gw.get().listeners()) {
                if ((p.sectionName() == null || p.sectionName().equals(l.name())) && RouteAttachment.admits(ctx, l, r)) {
                    return routeAccepted(id);
                }
            }
        }
        return routeNotAllowedByListeners(id);
    }

    /** The parentRef as the API server stores it in the status: defaults filled in, no port. */
    private static ParentRef statusRef(UdpRoute.ParentRef p) {
        return new ParentRef(p.group() == null ? RouteAttachment.GATEWAY_GROUP : p.group(),
                p.kind() == null ? Gateway.KIND : p.kind(), p.namespace(), p.name(), p.sectionName());
    }

    private static ObjectRef ref(Resource r) {
        ObjectMeta m = r.metadata();
        return new ObjectRef(r.apiVersion(), r.kind(), m.namespace(), m.name(), m.uid(), m.generation());
    }
}
