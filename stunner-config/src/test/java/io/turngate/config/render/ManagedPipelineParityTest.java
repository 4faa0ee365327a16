package io.turngate.config.render;

import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.turngate.config.render.OperatorParity.EDS4;
import static io.turngate.config.render.OperatorParity.EDS_OFF;
import static io.turngate.config.render.OperatorParity.ENV;
import static io.turngate.config.render.OperatorParity.RELAY_OFF;
import static io.turngate.config.render.OperatorParity.assertCluster;
import static io.turngate.config.render.OperatorParity.assertNoPublic;
import static io.turngate.config.render.OperatorParity.assertPublic;
import static io.turngate.config.render.OperatorParity.assertRoutes;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.listener;
import static io.turngate.config.render.OperatorParity.plus;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorParity.sorted;
import static io.turngate.config.render.OperatorParity.withRange;
import static io.turngate.config.render.OperatorWorld.DATAPLANE;
import static io.turngate.config.render.OperatorWorld.ENDPOINTS;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.LISTENERS;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.ROUTE_V1A2;
import static io.turngate.config.render.OperatorWorld.SLICE;
import static io.turngate.config.render.OperatorWorld.TCP;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.annotatedGateway;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.gatewayClass;
import static io.turngate.config.render.OperatorWorld.gatewayConfig;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.route;
import static io.turngate.config.render.OperatorWorld.slice;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Parity with the operator's {@code internal/renderer/render_pipeline_managed_mode_test.go} (see {@link
 * OperatorParity}).
 */
@DisplayName("render_pipeline_managed_mode_test.go")
class ManagedPipelineParityTest {
    void assertCommon(StunnerConfig c, String gateway) {
        assertEquals(NS + "/" + gateway, c.admin().name());
        assertEquals("testloglevel", c.admin().logLevel());
        assertEquals("testrealm", c.auth().realm());
        assertEquals("static", c.auth().type().name().toLowerCase());
        assertEquals("testuser", c.auth().credentials().get("username"));
        assertEquals("testpass", c.auth().credentials().get("password"));
    }

    void assertTwoListeners(StunnerConfig c) {
        assertEquals(2, c.listeners().size());
        ListenerConfig u = listener(c, UDP);
        assertEquals(ListenerProtocol.TURN_UDP, u.protocol());
        assertEquals(1, u.port());
        assertPublic(u, "1.2.3.4", 1);
        assertRoutes(u, NS + "/udproute-ok");
        ListenerConfig t = listener(c, TCP);
        assertEquals(ListenerProtocol.TURN_TCP, t.protocol());
        assertEquals(2, t.port());
        assertPublic(t, "1.2.3.4", 2);
        assertRoutes(t);
    }

    @Test
    @DisplayName("no EDS - E2E test")
    void noEds() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, ROUTE, svc().owned().yaml(), DATAPLANE));
        assertCommon(c, GW);
        assertTwoListeners(c);
        assertEquals(1, c.clusters().size());
        assertCluster(c, "udproute-ok", ClusterType.STRICT_DNS, "testservice-ok.testnamespace.svc.cluster.local");
    }

    @Test
    @DisplayName("EDS with relay-to-cluster-IP - E2E test - legacy endpoints controller")
    void edsRelayLegacy() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().clusterIP("4.3.2.1").yaml(), ENDPOINTS));
        assertCommon(c, GW);
        assertTwoListeners(c);
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("EDS with relay-to-cluster-IP - E2E test")
    void edsRelay() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCommon(c, GW);
        assertTwoListeners(c);
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("EDS with UDPRoteV1A2 and relay-to-cluster-IP - E2E test - legacy endpoints controller")
    void edsRelayV1a2Legacy() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE_V1A2, svc().owned().clusterIP("4.3.2.1").yaml(), ENDPOINTS));
        assertTwoListeners(c);
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("EDS with UDPRoteV1A2 and relay-to-cluster-IP - E2E test")
    void edsRelayV1a2() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE_V1A2, svc().owned().clusterIP("4.3.2.1").yaml(), SLICE));
        assertTwoListeners(c);
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("EDS with mutli-listener GW and relay-to-cluster-IP - E2E test")
    void edsMultiListener() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().owned().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCommon(c, GW);
        assertTwoListeners(c);
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("no EDS  - E2E test - conflicted status")
    void conflicted() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(gateway("""
                        - {name: udp, port: 1, protocol: TURN-UDP}
                        - {name: udp-ok, port: 2, protocol: TURN-UDP}
                        - {name: udp-conflicted, port: 1, protocol: TURN-UDP}
                        - {name: dtls-conflicted, port: 1, protocol: TURN-DTLS}
                        - {name: tcp, port: 11, protocol: TURN-TCP}
                        - {name: tcp-ok, port: 12, protocol: TURN-TCP}
                        - {name: tcp-conflicted, port: 11, protocol: TURN-TCP}
                        - {name: tls-conflicted, port: 11, protocol: TURN-TLS}
                        """), route("udproute-ok", NS, "[{name: gateway-1}]", "[{name: testservice-ok}]"),
                svc().owned().yaml()));
        assertEquals(List.of(NS + "/gateway-1/tcp", NS + "/gateway-1/tcp-ok", NS + "/gateway-1/udp",
                NS + "/gateway-1/udp-ok"), c.listeners().stream().map(ListenerConfig::name).sorted().toList());
        assertPublic(listener(c, "udp"), "1.2.3.4", 1);
        assertNoPublic(listener(c, "udp-ok"));
        assertNoPublic(listener(c, "tcp"));
        assertNoPublic(listener(c, "tcp-ok"));
        for (String l : List.of("udp", "udp-ok", "tcp", "tcp-ok")) {
            assertRoutes(listener(c, l), NS + "/udproute-ok");
        }
        assertCluster(c, "udproute-ok", ClusterType.STRICT_DNS, "testservice-ok.testnamespace.svc.cluster.local");
    }

    @Test
    @DisplayName("EDS with no relay-to-cluster-IP - E2E rendering for multiple gateway-classes")
    void multipleGatewayClasses() throws ConfigException {
        String yaml = OperatorWorld.join(List.of(OperatorWorld.GATEWAY_CLASS, OperatorWorld.GATEWAY_CONFIG,
                gatewayClass("dummy-gateway-class", "dummy-gateway-config"),
                gatewayConfig("dummy-gateway-config", ""),
                OperatorWorld.gateway("dummy-gateway", "dummy-gateway-class", "{}", LISTENERS, ""), GATEWAY,
                route("udproute-ok", NS, "[{name: dummy-gateway, namespace: testnamespace}, {name: gateway-1,"
                        + " namespace: testnamespace, sectionName: gateway-1-listener-udp}]",
                        "[{name: testservice-ok, namespace: testnamespace, port: 10, endPort: 100},"
                                + " {name: dummy-service, namespace: testnamespace}]"),
                svc().owned().clusterIP("4.3.2.1").yaml(), svc().name("dummy-service").yaml(), SLICE,
                slice("dummy-service-endpointslice", NS, "dummy-service",
                        "- addresses: [4.4.4.4]\n  conditions: {ready: true, serving: true}\n"),
                DATAPLANE));
        GatewayRenderer r = new GatewayRenderer(ENV, RELAY_OFF);
        String[] eps = plus(withRange(EDS4, ":<10-100>"), "4.4.4.4");

        StunnerConfig c = r.render(parse(yaml), NS, GW);
        assertCommon(c, GW);
        assertPublic(listener(c, UDP), "1.2.3.4", 1);
        assertRoutes(listener(c, UDP), NS + "/udproute-ok");
        assertPublic(listener(c, TCP), "1.2.3.4", 2);
        assertRoutes(listener(c, TCP));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, eps);

        StunnerConfig d = r.render(parse(yaml), NS, "dummy-gateway");
        assertCommon(d, "dummy-gateway");
        assertNoPublic(listener(d, "dummy-gateway", UDP));
        assertRoutes(listener(d, "dummy-gateway", UDP), NS + "/udproute-ok");
        assertNoPublic(listener(d, "dummy-gateway", TCP));
        assertRoutes(listener(d, "dummy-gateway", TCP), NS + "/udproute-ok");
        assertCluster(d, "udproute-ok", ClusterType.STATIC, eps);
    }

    @Test
    @DisplayName("targetport enforced")
    void targetPortEnforced() throws ConfigException {
        StunnerConfig c = config(world(annotatedGateway("{stunner.l7mp.io/targetport: '{\"gateway-1-listener-udp\":11,"
                + "\"dummy\":12,\"gateway-1-listener-tcp\":13}'}", LISTENERS), ROUTE, svc().owned().yaml(), DATAPLANE));
        ListenerConfig u = listener(c, UDP);
        assertEquals(11, u.port());
        assertPublic(u, "1.2.3.4", 1);
        assertRoutes(u, NS + "/udproute-ok");
        ListenerConfig t = listener(c, TCP);
        assertEquals(13, t.port());
        assertPublic(t, "1.2.3.4", 2);
        assertRoutes(t);
    }

    @Test
    @DisplayName("dataplane disabled")
    void dataplaneDisabled() throws ConfigException {
        StunnerConfig c = config(world(annotatedGateway("{stunner.l7mp.io/disable-managed-dataplane: 'true'}",
                LISTENERS), ROUTE, svc().yaml(), DATAPLANE));
        assertEquals(2, c.listeners().size(), "the config is still rendered; only the Deployment goes");
    }
}
