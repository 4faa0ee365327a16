package io.turngate.config.render;

import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.turngate.config.render.OperatorParity.ENV;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.LISTENERS;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Parity with the operator's {@code internal/renderer/gateway_util_test.go} (see {@link OperatorParity}).
 */
@DisplayName("gateway_util_test.go")
class GatewayUtilParityTest {
    @Test
    @DisplayName("wrong gatewayclassname errs")
    void wrongGatewayClassName() throws ConfigException {
        String yaml = world(OperatorWorld.gateway(GW, "dummy", "{}", LISTENERS, ""), ROUTE, svc().yaml());
        assertEquals(List.of(), new GatewayRenderer(ENV).renderableGateways(parse(yaml)));
    }

    @Test
    @DisplayName("multiple gateways ok")
    void multipleGateways() throws ConfigException {
        String yaml = world(OperatorWorld.gateway("dummy", "gatewayclass-ok", "{}", LISTENERS, ""), GATEWAY, ROUTE,
                svc().yaml());
        assertEquals(List.of(NS + "/dummy", NS + "/gateway-1"), new GatewayRenderer(ENV).renderableGateways(parse(yaml)));
    }
}
