package io.turngate.config.gateway;

import java.util.List;

/**
 * core/v1 Service: the route backend kind {@code Service}. Its {@code spec.clusterIP} (unless {@code None}) is
 * a cluster endpoint; its ports are never used by STUNner. {@code status.loadBalancer.ingress} of the Service
 * named after a Gateway gives that Gateway's public address.
 *
 * @param type                {@code spec.type} ({@code ClusterIP} when absent)
 * @param clusterIP           {@code spec.clusterIP}, or {@code null}
 * @param loadBalancerIngress {@code status.loadBalancer.ingress[]}: each entry's {@code ip}, else its
 *                            {@code hostname}
 */
public record Service(String apiVersion, ObjectMeta metadata, String type, String clusterIP, List<Port> ports,
                      List<String> loadBalancerIngress, Origin origin) implements Resource {
    public static final String KIND = "Service";

    public Service {
        ports = ports == null ? List.of() : List.copyOf(ports);
        loadBalancerIngress = loadBalancerIngress == null ? List.of() : List.copyOf(loadBalancerIngress);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** True when {@code clusterIP} is a usable address (not absent, empty or {@code None}). */
    public boolean hasClusterIP() {
        return clusterIP != null && !clusterIP.isEmpty() && !"None".equals(clusterIP);
    }

    /** {@code spec.ports[]}: name (may be null), protocol ({@code TCP} when absent), port. */
    public record Port(String name, String protocol, int port) {
    }
}
