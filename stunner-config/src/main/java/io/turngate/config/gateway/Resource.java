package io.turngate.config.gateway;

import java.util.Locale;

/** A Kubernetes object known to the renderer. */
public sealed interface Resource permits GatewayClass, GatewayConfig, Gateway, UdpRoute, StaticService, Service,
        EndpointSlice, Endpoints, Secret, Namespace, Dataplane, Node {

    /** The Kubernetes kind, e.g. {@code UDPRoute}. */
    String kind();

    /** The {@code apiVersion} the object was written with. */
    String apiVersion();

    ObjectMeta metadata();

    Origin origin();

    /** {@code namespace/name} (or {@code name} when cluster-scoped). */
    default String key() {
        return metadata().key();
    }

    /** Lower-case kind and key, e.g. {@code udproute stunner/worker-udp-route}, as used in messages. */
    default String describe() {
        return kind().toLowerCase(Locale.ROOT) + " " + key();
    }
}
