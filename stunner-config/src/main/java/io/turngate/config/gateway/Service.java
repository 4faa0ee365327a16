package io.turngate.config.gateway;

import java.util.List;

/**
 * core/v1 Service: the route backend kind {@code Service}, and the Service that exposes a Gateway. As a backend its
 * {@code spec.clusterIP} (unless {@code None}) is a cluster endpoint and its ports are never used. As a Gateway's
 * Service its ports, NodePorts and {@code status.loadBalancer.ingress} give the listeners' public addresses.
 *
 * @param type      {@code spec.type} ({@code null} when absent: Kubernetes defaults it to {@code ClusterIP})
 * @param clusterIP {@code spec.clusterIP}, or {@code null}
 * @param ports     {@code spec.ports[]} in order
 * @param ingress   {@code status.loadBalancer.ingress[]} in order
 */
public record Service(String apiVersion, ObjectMeta metadata, String type, String clusterIP, List<Port> ports,
                      List<Ingress> ingress, Origin origin) implements Resource {
    public static final String KIND = "Service";
    /** Annotation the operator puts on a Gateway's Service: {@code <gateway-namespace>/<gateway-name>}. */
    public static final String ANNOTATION_RELATED_GATEWAY = "stunner.l7mp.io/related-gateway-name";

    public Service {
        ports = ports == null ? List.of() : List.copyOf(ports);
        ingress = ingress == null ? List.of() : List.copyOf(ingress);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** {@code spec.type}, {@code ClusterIP} when absent. */
    public String effectiveType() {
        return type == null || type.isEmpty() ? "ClusterIP" : type;
    }

    /** True when {@code clusterIP} is a usable address (not absent, empty or {@code None}). */
    public boolean hasClusterIP() {
        return clusterIP != null && !clusterIP.isEmpty() && !"None".equals(clusterIP);
    }

    /**
     * {@code spec.ports[]}.
     *
     * @param name     may be {@code null}
     * @param protocol {@code TCP} when absent (the Kubernetes default)
     * @param nodePort {@code nodePort}, or {@code null} when not (yet) allocated
     */
    public record Port(String name, String protocol, int port, Integer nodePort) {
        public Port(String name, String protocol, int port) {
            this(name, protocol, port, null);
        }
    }

    /**
     * {@code status.loadBalancer.ingress[]}.
     *
     * @param ip       may be {@code null}
     * @param hostname may be {@code null} (AWS load balancers give a hostname instead of an IP)
     * @param ports    per-port status, in the order of the Service's ports; often absent
     */
    public record Ingress(String ip, String hostname, List<PortStatus> ports) {
        public Ingress {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** {@code status.loadBalancer.ingress[].ports[]}: a port and protocol the load balancer exposes. */
    public record PortStatus(int port, String protocol) {
    }
}
