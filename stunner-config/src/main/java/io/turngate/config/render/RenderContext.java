package io.turngate.config.render;

import io.turngate.config.gateway.Gateway;
import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayConfig;
import io.turngate.config.gateway.GatewayResources;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Everything one Gateway's render needs, plus its warning and problem sinks. Confined to one call. */
final class RenderContext {
    final GatewayResources resources;
    final Gateway gateway;
    final GatewayClass gatewayClass;
    final GatewayConfig gatewayConfig;
    final RenderOptions options;
    private final Set<String> warnings = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> rejectionHints = new ArrayList<>();

    RenderContext(GatewayResources resources, Gateway gateway, GatewayClass gatewayClass, GatewayConfig gatewayConfig,
                  RenderOptions options) {
        this.resources = resources;
        this.gateway = gateway;
        this.gatewayClass = gatewayClass;
        this.gatewayConfig = gatewayConfig;
        this.options = options;
    }

    String gatewayKey() {
        return gateway.key();
    }

    void warn(String w) {
        warnings.add(w);
    }

    void problem(String p) {
        problems.add(p);
    }

    /**
     * Why stunnerd would refuse the rendered config, for the problems of a config that fails validation: the
     * renderer rendered what the operator renders, and knows it will be refused.
     */
    void explainRejection(String hint) {
        rejectionHints.add(hint);
    }

    List<String> rejectionHints() {
        return rejectionHints;
    }

    List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    List<String> problems() {
        return problems;
    }
}
