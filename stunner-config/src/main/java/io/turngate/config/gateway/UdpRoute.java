package io.turngate.config.gateway;

import java.util.List;

/**
 * A UDPRoute, either STUNner's {@code stunner.l7mp.io/v1} (backendRefs with {@code port}/{@code endPort}) or the
 * experimental {@code gateway.networking.k8s.io/v1alpha2}, which is converted on load: its backendRef
 * {@code port} is dropped, so such routes always allow every peer port (stunner-compat §2 "UDPRoute").
 */
public record UdpRoute(String apiVersion, ObjectMeta metadata, List<ParentRef> parentRefs, List<Rule> rules,
                       Origin origin) implements Resource {
    public static final String KIND = "UDPRoute";
    public static final String API_STUNNER_V1 = "stunner.l7mp.io/v1";
    public static final String API_GATEWAY_V1ALPHA2 = "gateway.networking.k8s.io/v1alpha2";

    public UdpRoute {
        parentRefs = parentRefs == null ? List.of() : List.copyOf(parentRefs);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** True for a converted {@code gateway.networking.k8s.io/v1alpha2} route. */
    public boolean isGatewayApiV1alpha2() {
        return API_GATEWAY_V1ALPHA2.equals(apiVersion);
    }

    /**
     * Gateway API {@code ParentReference}. Absent fields are {@code null}: group defaults to
     * {@code gateway.networking.k8s.io}, kind to {@code Gateway}, namespace to the route's. {@code port} is
     * ignored by STUNner.
     */
    public record ParentRef(String group, String kind, String namespace, String name, String sectionName,
                            Integer port) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (kind != null && !"Gateway".equals(kind)) {
                sb.append(kind).append(' ');
            }
            if (namespace != null) {
                sb.append(namespace).append('/');
            }
            sb.append(name);
            if (sectionName != null) {
                sb.append('/').append(sectionName);
            }
            return sb.toString();
        }
    }

    /** {@code spec.rules[]}; only {@code rules[0]} is rendered. */
    public record Rule(List<BackendRef> backendRefs) {
        public Rule {
            backendRefs = backendRefs == null ? List.of() : List.copyOf(backendRefs);
        }
    }

    /**
     * {@code backendRefs[]}. Absent fields are {@code null}: group defaults to core, kind to {@code Service},
     * namespace to the route's namespace.
     *
     * @param port    first allowed peer port (STUNner v1 only)
     * @param endPort last allowed peer port (STUNner v1 only; ignored without {@code port})
     */
    public record BackendRef(String group, String kind, String name, String namespace, Integer port,
                             Integer endPort) {
        @Override
        public String toString() {
            return (kind == null ? "Service" : kind) + " " + (namespace == null ? "" : namespace + "/") + name
                    + (port == null ? "" : ":" + port + (endPort == null ? "" : "-" + endPort));
        }
    }
}
