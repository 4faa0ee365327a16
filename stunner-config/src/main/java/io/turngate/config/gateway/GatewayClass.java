package io.turngate.config.gateway;

/**
 * {@code gateway.networking.k8s.io/v1} GatewayClass (cluster-scoped).
 *
 * @param controllerName {@code spec.controllerName}; STUNner's is {@code stunner.l7mp.io/gateway-operator}
 * @param parametersRef  {@code spec.parametersRef}, or {@code null}
 */
public record GatewayClass(String apiVersion, ObjectMeta metadata, String controllerName, ParametersRef parametersRef,
                           Origin origin) implements Resource {
    public static final String KIND = "GatewayClass";

    @Override
    public String kind() {
        return KIND;
    }

    /** {@code spec.parametersRef}; absent fields are {@code null}. */
    public record ParametersRef(String group, String kind, String name, String namespace) {
        @Override
        public String toString() {
            return group + "/" + kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }
}
