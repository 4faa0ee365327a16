package io.turngate.config.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.gateway.Dataplane;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.v1.Defaults;

import java.util.Optional;

/**
 * {@code admin}: name {@code <gw-ns>/<gw-name>}, {@code loglevel} from GatewayConfig {@code logLevel}
 * (default {@code all:INFO}), {@code user_quota} from {@code userQuota}, and from the GatewayConfig's Dataplane
 * (when present in the input): {@code metrics_endpoint http://:8080/metrics} if {@code enableMetricsEndpoint},
 * {@code healthcheck_endpoint ""} if {@code disableHealthCheck} (else {@code http://:8086}), offload settings.
 */
final class AdminRenderer {
    static final String METRICS_ENDPOINT = "http://:8080/metrics";
    static final String DEFAULT_DATAPLANE = "default";

    private AdminRenderer() {
    }

    static ObjectNode render(RenderContext ctx) {
        GatewayConfig gc = ctx.gatewayConfig;
        ObjectNode admin = JsonNodeFactory.instance.objectNode();
        admin.put("name", ctx.gatewayKey());
        admin.put("loglevel", gc.logLevel() == null || gc.logLevel().isEmpty() ? Defaults.LOG_LEVEL : gc.logLevel());
        String dpName = gc.dataplane() == null || gc.dataplane().isEmpty() ? DEFAULT_DATAPLANE : gc.dataplane();
        Optional<Dataplane> dp = ctx.resources.dataplane(dpName);
        if (dp.isEmpty() && !ctx.resources.dataplanes().isEmpty()) {
            ctx.warn("gatewayconfig " + gc.key() + ": spec.dataplane \"" + dpName + "\" names no Dataplane in the input"
                    + " (using defaults: health check on, no metrics endpoint)");
        }
        if (dp.isPresent() && dp.get().enableMetricsEndpoint()) {
            admin.put("metrics_endpoint", METRICS_ENDPOINT);
        }
        admin.put("healthcheck_endpoint", dp.isPresent() && dp.get().disableHealthCheck() ? ""
                : Defaults.HEALTH_CHECK_ENDPOINT);
        if (gc.userQuota() != null && gc.userQuota() != 0) {
            admin.put("user_quota", gc.userQuota());
        }
        String engine = dp.map(Dataplane::offloadEngine).filter(s -> !s.isEmpty()).orElse(Defaults.OFFLOAD_ENGINE);
        admin.put("offload_engine", engine);
        if (dp.isPresent() && !dp.get().offloadInterfaces().isEmpty()) {
            ArrayNode a = admin.putArray("offload_interfaces");
            dp.get().offloadInterfaces().forEach(a::add);
        }
        if (Boolean.TRUE.equals(gc.stunMode())) {
            ctx.warn("gatewayconfig " + gc.key() + ": spec.stunMode is a STUNner premium feature; ignored"
                    + " (TURN auth stays " + (gc.authType() == null ? "plaintext" : gc.authType()) + ")");
        }
        return admin;
    }
}
