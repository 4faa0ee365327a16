package io.turngate.config.v1;

import java.util.List;
import java.util.Optional;

/**
 * {@code admin} section of a stunnerd v1 config.
 *
 * @param name                admin name, default {@code default-stunnerd}; the operator writes {@code <ns>/<gateway>}
 * @param logLevel            log spec ({@code loglevel}), default {@code all:INFO}
 * @param metricsEndpoint     {@code metrics_endpoint}; empty = no metrics server
 * @param healthCheckEndpoint {@code healthcheck_endpoint}; after normalisation never null: absent becomes
 *                            {@code http://:8086}, an explicit empty string (disabled) stays empty
 * @param userQuota           {@code user_quota}, 0 = unlimited
 * @param offloadEngine       {@code offload_engine}, canonical {@code None|XDP|TC|Auto}; accepted and ignored
 * @param offloadInterfaces   {@code offload_interfaces}, sorted
 */
public record AdminConfig(String name, String logLevel, String metricsEndpoint, String healthCheckEndpoint,
                          int userQuota, String offloadEngine, List<String> offloadInterfaces) {
    public AdminConfig {
        offloadInterfaces = offloadInterfaces == null ? List.of() : List.copyOf(offloadInterfaces);
    }

    /** The metrics server to run, empty when {@code metrics_endpoint} is empty (no metrics server). */
    public Optional<HttpEndpoint> metricsHttpEndpoint() {
        return metricsEndpoint == null || metricsEndpoint.isEmpty() ? Optional.empty()
                : Optional.of(HttpEndpoint.parse(metricsEndpoint, Defaults.METRICS_PORT));
    }

    /** The health-check server to run, empty when {@code healthcheck_endpoint} is the empty string (disabled). */
    public Optional<HttpEndpoint> healthCheckHttpEndpoint() {
        String e = healthCheckEndpoint == null ? Defaults.HEALTH_CHECK_ENDPOINT : healthCheckEndpoint;
        return e.isEmpty() ? Optional.empty() : Optional.of(HttpEndpoint.parse(e, Defaults.HEALTH_CHECK_PORT));
    }
}
