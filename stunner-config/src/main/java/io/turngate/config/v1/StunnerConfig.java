package io.turngate.config.v1;

import java.util.List;
import java.util.Optional;

/**
 * The stunnerd dataplane config, API version v1: the one internal form every config source is turned into.
 * Instances returned by the loader are validated and normalised (defaults filled, canonical enum spellings,
 * sorted routes and endpoints), so {@code equals} is meaningful for reconciliation.
 */
public record StunnerConfig(String version, AdminConfig admin, AuthConfig auth,
                            List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
    public StunnerConfig {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
    }

    public Optional<ListenerConfig> listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
