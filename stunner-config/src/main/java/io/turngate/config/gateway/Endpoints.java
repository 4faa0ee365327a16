package io.turngate.config.gateway;

import java.util.List;

/**
 * Legacy core/v1 Endpoints (named like its Service). Used only when no EndpointSlice exists for a Service; like
 * the operator's fallback it includes {@code notReadyAddresses}.
 *
 * @param addresses every {@code subsets[].addresses[].ip} and {@code subsets[].notReadyAddresses[].ip}
 */
public record Endpoints(String apiVersion, ObjectMeta metadata, List<String> addresses, Origin origin)
        implements Resource {
    public static final String KIND = "Endpoints";

    public Endpoints {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    @Override
    public String kind() {
        return KIND;
    }
}
