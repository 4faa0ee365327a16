package io.turngate.config.gateway;

import java.util.List;

/**
 * {@code stunner.l7mp.io/v1} Dataplane (cluster-scoped): only the fields that change the rendered dataplane
 * config are modelled ({@code enableMetricsEndpoint}, {@code disableHealthCheck}, {@code offloadEngine},
 * {@code offloadInterfaces}); image, args and the pod template concern the Deployment, not the config.
 */
public record Dataplane(String apiVersion, ObjectMeta metadata, boolean enableMetricsEndpoint,
                        boolean disableHealthCheck, String offloadEngine, List<String> offloadInterfaces,
                        Origin origin) implements Resource {
    public static final String KIND = "Dataplane";

    public Dataplane {
        offloadInterfaces = offloadInterfaces == null ? List.of() : List.copyOf(offloadInterfaces);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
