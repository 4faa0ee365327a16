package io.turngate.config.render;

/**
 * The operator switches that change what {@link GatewayRenderer} renders. They are command-line flags or build-time
 * settings of STUNner's gateway operator, not fields of any resource, so the same input renders differently under
 * different operator deployments. Defaults are the operator's ({@code pkg/config/defaults.go}).
 *
 * @param endpointDiscovery the operator's {@code --endpoint-discovery} flag ({@code EnableEndpointDiscovery}, default
 *                          {@code true}): a Service backend becomes the addresses of its EndpointSlices (STATIC).
 *                          When {@code false} every Service backend becomes the STRICT_DNS name
 *                          {@code <svc>.<ns>.svc.cluster.local}, whether or not the Service exists.
 * @param relayToClusterIP  the operator's {@code EnableRelayToClusterIP} (default {@code true}; the operator has no
 *                          flag for it): with endpoint discovery on, the Service's {@code spec.clusterIP} is added to
 *                          the cluster too. Ignored when endpoint discovery is off.
 */
public record RenderOptions(boolean endpointDiscovery, boolean relayToClusterIP) {
    /** Default of the operator's {@code --endpoint-discovery} flag. */
    public static final boolean ENDPOINT_DISCOVERY_DEFAULT = true;
    /** Default of the operator's {@code EnableRelayToClusterIP}. */
    public static final boolean RELAY_TO_CLUSTER_IP_DEFAULT = true;

    /** The operator's defaults: endpoint discovery and relaying to the ClusterIP both on. */
    public static final RenderOptions DEFAULT = new RenderOptions(ENDPOINT_DISCOVERY_DEFAULT, RELAY_TO_CLUSTER_IP_DEFAULT);

    /** A copy with {@link #endpointDiscovery()} set to {@code on}. */
    public RenderOptions withEndpointDiscovery(boolean on) {
        return new RenderOptions(on, relayToClusterIP);
    }

    /** A copy with {@link #relayToClusterIP()} set to {@code on}. */
    public RenderOptions withRelayToClusterIP(boolean on) {
        return new RenderOptions(endpointDiscovery, on);
    }
}
