package io.turngate.config.render;

import io.turngate.config.v1.StunnerConfig;

import java.util.List;

/**
 * One Gateway's rendered dataplane config.
 *
 * @param gatewayKey {@code <namespace>/<name>} of the Gateway (= {@code admin.name}, the CDS id)
 * @param config     validated and normalised config (environment already expanded)
 * @param warnings   what was skipped, defaulted or could not be decided offline; never contains secrets
 */
public record RenderedGateway(String gatewayKey, StunnerConfig config, List<String> warnings) {
    public RenderedGateway {
        warnings = List.copyOf(warnings);
    }
}
