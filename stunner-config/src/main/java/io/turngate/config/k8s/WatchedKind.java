package io.turngate.config.k8s;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.List;

/**
 * One kind the Kubernetes source watches, with what the API needs to serve it without discovery: group, version,
 * plural and scope.
 *
 * @param kind       the object kind, as the resource reader knows it ({@code UDPRoute})
 * @param group      API group, {@code ""} for the core group
 * @param version    API version within the group
 * @param plural     the resource name in URLs and RBAC rules ({@code udproutes})
 * @param namespaced whether objects live in namespaces (then watched in every namespace)
 * @param optional   watched only when the API server serves it (a CRD that may be absent)
 */
record WatchedKind(String kind, String group, String version, String plural, boolean namespaced, boolean optional) {
    static final String GATEWAY_API = "gateway.networking.k8s.io";
    static final String STUNNER = "stunner.l7mp.io";

    static final WatchedKind GATEWAY_CLASS = new WatchedKind("GatewayClass", GATEWAY_API, "v1", "gatewayclasses", false, false);
    static final WatchedKind GATEWAY = new WatchedKind("Gateway", GATEWAY_API, "v1", "gateways", true, false);
    static final WatchedKind GATEWAY_CONFIG = new WatchedKind("GatewayConfig", STUNNER, "v1", "gatewayconfigs", true, false);
    static final WatchedKind UDP_ROUTE = new WatchedKind("UDPRoute", STUNNER, "v1", "udproutes", true, false);
    /** The Gateway API's experimental UDPRoute: watched only when its CRD is installed, as the operator does. */
    static final WatchedKind UDP_ROUTE_V1ALPHA2 = new WatchedKind("UDPRoute", GATEWAY_API, "v1alpha2", "udproutes", true, true);
    static final WatchedKind STATIC_SERVICE = new WatchedKind("StaticService", STUNNER, "v1", "staticservices", true, false);
    /** The operator's Dataplane template: its metrics and health-check switches render into {@code admin}. */
    static final WatchedKind DATAPLANE = new WatchedKind("Dataplane", STUNNER, "v1", "dataplanes", false, true);
    static final WatchedKind SERVICE = new WatchedKind("Service", "", "v1", "services", true, false);
    static final WatchedKind ENDPOINT_SLICE = new WatchedKind("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true, false);
    static final WatchedKind NODE = new WatchedKind("Node", "", "v1", "nodes", false, false);
    /** Watched one object at a time, only the Secrets a GatewayConfig or a Gateway listener references. */
    static final WatchedKind SECRET = new WatchedKind("Secret", "", "v1", "secrets", true, false);

    /** Every kind watched as a whole (Secrets are watched by name). */
    static final List<WatchedKind> ALL = List.of(GATEWAY_CLASS, GATEWAY, GATEWAY_CONFIG, UDP_ROUTE, UDP_ROUTE_V1ALPHA2,
            STATIC_SERVICE, DATAPLANE, SERVICE, ENDPOINT_SLICE, NODE);

    /** {@code group/version}, or {@code version} for the core group. */
    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource as RBAC rules and {@code kubectl} name it: {@code udproutes.stunner.l7mp.io}, {@code services}. */
    String resource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return resource() + "/" + version;
    }
}
