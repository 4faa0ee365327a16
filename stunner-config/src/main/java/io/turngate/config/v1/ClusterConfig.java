package io.turngate.config.v1;

import java.util.List;

/**
 * One {@code clusters[]} entry. STATIC endpoints follow the grammar {@code ip[/len][:<lo-hi>]} (see {@link Endpoint});
 * STRICT_DNS endpoints are host names. Endpoints are sorted after normalisation.
 */
public record ClusterConfig(String name, ClusterType type, ClusterProtocol protocol, List<String> endpoints) {
    public ClusterConfig {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
