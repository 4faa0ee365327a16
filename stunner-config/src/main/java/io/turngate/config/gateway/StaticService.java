package io.turngate.config.gateway;

import java.util.List;

/**
 * {@code stunner.l7mp.io/v1} (or {@code v1alpha1}) StaticService: a fixed set of IP prefixes used as a route
 * backend, typically for out-of-cluster peers ({@code 0.0.0.0/0} = open relay). v1alpha1 {@code ports} are
 * ignored, as the operator does.
 *
 * @param prefixes {@code spec.prefixes}, verbatim
 */
public record StaticService(String apiVersion, ObjectMeta metadata, List<String> prefixes, Origin origin)
        implements Resource {
    public static final String KIND = "StaticService";

    public StaticService {
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
