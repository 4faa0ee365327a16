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
    private final Set<String> warnings = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    RenderContext(GatewayResources resources, Gateway gateway, GatewayClass gatewayClass, GatewayConfig gatewayConfig) {
        this.resources = resources;
        this.gateway = gateway;
        this.gatewayClass = gatewayClass;
        this.gatewayConfig = gatewayConfig;
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

    List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    List<String> problems() {
        return problems;
    }
}
