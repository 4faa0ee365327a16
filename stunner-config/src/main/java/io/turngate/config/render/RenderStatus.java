package io.turngate.config.render;

import java.util.List;
import java.util.Optional;

/**
 * The statuses STUNner's gateway operator writes back after a render, computed from the same render
 * ({@link GatewayRenderer#renderWithStatus}): GatewayClass {@code Accepted}, Gateway {@code addresses},
 * {@code Accepted}/{@code Programmed} and per-listener status, UDPRoute {@code parents[]}. The types, statuses,
 * reasons and messages are the operator's (see {@code package-info}); {@code observedGeneration} and
 * {@code lastTransitionTime} are left to the writer, which knows the live object
 * ({@code io.turngate.config.k8s.status}).
 *
 * <p>Which objects get a status is the operator's choice too: GatewayClasses of the STUNner controller whose
 * {@code parametersRef} is well-formed, the Gateways of those classes, and the UDPRoutes with at least one parentRef
 * naming such a Gateway (including v1alpha2 routes masked by a STUNner v1 route). Nothing else is listed, so a writer
 * never touches objects of other controllers.
 *
 * @param gatewayClasses by name
 * @param gateways       by {@code namespace/name}
 * @param routes         by {@code namespace/name}, then API version
 */
public record RenderStatus(List<GatewayClassStatus> gatewayClasses, List<GatewayStatus> gateways,
                           List<RouteStatus> routes) {
    /** The {@code controllerName} written into route parent statuses. */
    public static final String CONTROLLER_NAME = GatewayRenderer.CONTROLLER_NAME;

    /** No status at all. */
    public static final RenderStatus EMPTY = new RenderStatus(List.of(), List.of(), List.of());

    public RenderStatus {
        gatewayClasses = List.copyOf(gatewayClasses);
        gateways = List.copyOf(gateways);
        routes = List.copyOf(routes);
    }

    /** The status of GatewayClass {@code name}, if one is computed. */
    public Optional<GatewayClassStatus> gatewayClass(String name) {
        return gatewayClasses.stream().filter(s -> s.object().name().equals(name)).findFirst();
    }

    /** The status of Gateway {@code namespace/name}, if one is computed. */
    public Optional<GatewayStatus> gateway(String namespace, String name) {
        return gateways.stream().filter(s -> s.object().is(namespace, name)).findFirst();
    }

    /** The status of the UDPRoute {@code namespace/name} of API version {@code apiVersion}, if one is computed. */
    public Optional<RouteStatus> route(String apiVersion, String namespace, String name) {
        return routes.stream().filter(s -> s.object().is(namespace, name) && s.object().apiVersion().equals(apiVersion))
                .findFirst();
    }

    /**
     * The object a status belongs to.
     *
     * @param apiVersion the version the object was read with ({@code gateway.networking.k8s.io/v1},
     *                   {@code stunner.l7mp.io/v1}, ...)
     * @param kind       {@code GatewayClass}, {@code Gateway} or {@code UDPRoute}
     * @param namespace  empty for a GatewayClass
     * @param uid        {@code metadata.uid} as rendered, or {@code null}; a writer skips a live object with another
     *                   uid (it was re-created after the render)
     * @param generation {@code metadata.generation} as rendered, or {@code null} (a writer then takes the live one)
     */
    public record ObjectRef(String apiVersion, String kind, String namespace, String name, String uid,
                            Long generation) {
        /** {@code namespace/name}, or {@code name} when cluster-scoped. */
        public String key() {
            return namespace.isEmpty() ? name : namespace + "/" + name;
        }

        boolean is(String ns, String n) {
            return namespace.equals(ns) && name.equals(n);
        }

        @Override
        public String toString() {
            return kind + " " + key();
        }
    }

    /**
     * A {@code metav1.Condition} without {@code observedGeneration} and {@code lastTransitionTime}.
     *
     * @param status {@code True}, {@code False} or {@code Unknown}
     */
    public record Condition(String type, String status, String reason, String message) {
        @Override
        public String toString() {
            return type + "=" + status + " (" + reason + ": " + message + ")";
        }
    }

    /** A GatewayClass: {@code status.conditions} (only {@code Accepted}). */
    public record GatewayClassStatus(ObjectRef object, List<Condition> conditions) {
        public GatewayClassStatus {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * A Gateway's {@code status}.
     *
     * @param addresses  {@code status.addresses}: the public address found (at most one), empty when none
     * @param conditions {@code Accepted}, then {@code Programmed}
     * @param listeners  one per {@code spec.listeners[]}, in spec order
     */
    public record GatewayStatus(ObjectRef object, List<Address> addresses, List<Condition> conditions,
                                List<ListenerStatus> listeners) {
        public GatewayStatus {
            addresses = List.copyOf(addresses);
            conditions = List.copyOf(conditions);
            listeners = List.copyOf(listeners);
        }

        /** The status of listener {@code name}. */
        public Optional<ListenerStatus> listener(String name) {
            return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
        }

        /** The condition of {@code type}. */
        public Optional<Condition> condition(String type) {
            return find(conditions, type);
        }
    }

    /** {@code status.addresses[]}: {@code type} is {@code IPAddress} or {@code Hostname}. */
    public record Address(String type, String value) {
    }

    /**
     * {@code status.listeners[]}.
     *
     * @param supportedKinds the two UDPRoute kinds STUNner accepts
     * @param conditions     {@code Accepted}, {@code Conflicted}, {@code ResolvedRefs} (the operator sets no
     *                       {@code Programmed} on listeners)
     */
    public record ListenerStatus(String name, List<RouteGroupKind> supportedKinds, int attachedRoutes,
                                 List<Condition> conditions) {
        public ListenerStatus {
            supportedKinds = List.copyOf(supportedKinds);
            conditions = List.copyOf(conditions);
        }

        /** The condition of {@code type}. */
        public Optional<Condition> condition(String type) {
            return find(conditions, type);
        }
    }

    /** {@code supportedKinds[]}. */
    public record RouteGroupKind(String group, String kind) {
    }

    /** A UDPRoute's {@code status.parents}: one entry per {@code spec.parentRefs[]}, in spec order. */
    public record RouteStatus(ObjectRef object, List<RouteParentStatus> parents) {
        public RouteStatus {
            parents = List.copyOf(parents);
        }
    }

    /**
     * {@code status.parents[]}.
     *
     * @param conditions {@code Accepted}, then {@code ResolvedRefs}
     */
    public record RouteParentStatus(ParentRef parentRef, String controllerName, List<Condition> conditions) {
        public RouteParentStatus {
            conditions = List.copyOf(conditions);
        }

        /** The condition of {@code type}. */
        public Optional<Condition> condition(String type) {
            return find(conditions, type);
        }
    }

    /**
     * {@code status.parents[].parentRef}: the spec's parentRef without {@code port}. {@code group} and {@code kind}
     * are always given ({@code gateway.networking.k8s.io}, {@code Gateway} when the spec omits them): the operator
     * leaves the defaults out and the API server's CRD defaulting fills them in, so this is what the API server
     * stores, and what a writer must compare against. {@code namespace} and {@code sectionName} are {@code null}
     * when the spec omits them.
     */
    public record ParentRef(String group, String kind, String namespace, String name, String sectionName) {
    }

    private static Optional<Condition> find(List<Condition> cs, String type) {
        return cs.stream().filter(c -> c.type().equals(type)).findFirst();
    }
}
