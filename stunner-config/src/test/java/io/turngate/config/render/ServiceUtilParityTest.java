package io.turngate.config.render;

import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.turngate.config.render.OperatorParity.assertNoListener;
import static io.turngate.config.render.OperatorParity.assertNoPublic;
import static io.turngate.config.render.OperatorParity.assertPublic;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.listener;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.LISTENERS;
import static io.turngate.config.render.OperatorWorld.NODE;
import static io.turngate.config.render.OperatorWorld.TCP;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.annotatedGateway;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.gatewayConfigWithLbAnnotations;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static io.turngate.config.render.OperatorWorld.worldWithConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Parity with the operator's {@code internal/renderer/service_util_test.go} (see {@link OperatorParity}).
 */
@DisplayName("service_util_test.go")
class ServiceUtilParityTest {
    @Test
    @DisplayName("public-ip ok")
    void publicIpOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned().yaml()));
        assertPublic(listener(c, UDP), "1.2.3.4", 1);
        assertPublic(listener(c, TCP), "1.2.3.4", 2);
    }

    @Test
    @DisplayName("fallback to hostname ok")
    void fallbackToHostnameOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned()
                .ingress("[{hostname: dummy-hostname, ports: [{port: 1, protocol: UDP}, {port: 2, protocol: TCP}]}]")
                .yaml()));
        assertPublic(listener(c, UDP), "dummy-hostname", 1);
        assertPublic(listener(c, TCP), "dummy-hostname", 2);
    }

    @Test
    @DisplayName("no service-port status ok")
    void noServicePortStatusOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned().ingress("[{ip: 1.2.3.4}]").yaml()));
        assertPublic(listener(c, UDP), "1.2.3.4", 1);
        assertPublic(listener(c, TCP), "1.2.3.4", 2);
    }

    @Test
    @DisplayName("wrong annotation name errs")
    void wrongAnnotationNameErrs() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned().annotations("{dummy: dummy}").yaml()));
        assertNoPublic(listener(c, UDP));
        assertNoPublic(listener(c, TCP));
    }

    @Test
    @DisplayName("wrong annotation errs")
    void wrongAnnotationErrs() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned().annotations("{" + OperatorWorld.RELATED + ": dummy}")
                .yaml()));
        assertNoPublic(listener(c, UDP));
        assertNoPublic(listener(c, TCP));
    }

    @Test
    @DisplayName("no owner-ref errs")
    void noOwnerRefErrs() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, NODE, svc()
                .ports("[{name: udp-ok, protocol: UDP, port: 1, nodePort: 1234}]").ingress(null).yaml()));
        assertNoPublic(listener(c, UDP));
        assertNoPublic(listener(c, TCP));
    }

    @Test
    @DisplayName("invalid listener proto errs")
    void invalidListenerProtoErrs() throws ConfigException {
        StunnerConfig c = config(world(gateway("""
                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                - {name: invalid, port: 3, protocol: dummy}
                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                """), svc().owned().yaml()));
        assertPublic(listener(c, UDP), "1.2.3.4", 1);
        assertNoListener(c, "invalid");
        assertPublic(listener(c, TCP), "1.2.3.4", 2);
    }

    @Test
    @DisplayName("wrong port errs")
    void wrongPortErrs() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned()
                .ports("[{name: udp-ok, protocol: UDP, port: 12}, {name: tcp-ok, protocol: TCP, port: 2}]").yaml()));
        assertNoPublic(listener(c, UDP));
        assertPublic(listener(c, TCP), "1.2.3.4", 2);
    }

    @Test
    @DisplayName("multiple service-ports public-ip ok")
    void multipleServicePortsPublicIpOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().owned().ingress("""
                [{ip: 1.2.3.4, ports: [{port: 1, protocol: UDP}]},
                 {ip: 5.6.7.8, ports: [{port: 1, protocol: UDP}, {port: 2, protocol: TCP}]}]""").yaml()));
        assertPublic(listener(c, UDP), "1.2.3.4", 1);
        assertPublic(listener(c, TCP), "5.6.7.8", 2);
    }

    @Test
    @DisplayName("nodeport IP OK")
    void nodePortIpOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, NODE, svc().owned().type("NodePort").ports(
                "[{name: udp-ok, protocol: UDP, port: 1, nodePort: 30001}, {name: tcp-ok, protocol: TCP, port: 2,"
                        + " nodePort: 30002}]").yaml()));
        assertPublic(listener(c, UDP), "1.2.3.4", 30001);
        assertPublic(listener(c, TCP), "1.2.3.4", 30002);
    }

    /**
     * Upstream checks the Service's loadBalancerIP. The Service in the input is annotated but not owned, so the
     * operator would create its own (UDP ports only: the first listener is UDP); once it exists, addresses[0]
     * is the public address of the listener with a Service port.
     */
    @Test
    @DisplayName("public address hint in Gateway Spec (derived)")
    void publicAddressHintInGatewaySpec() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok", "{}", LISTENERS,
                "addresses: [{type: IPAddress, value: 1.1.1.1}, {type: IPAddress, value: 1.2.3.4}]"), svc().yaml()));
        assertPublic(listener(c, UDP), "1.1.1.1", 1);
        assertNoPublic(listener(c, TCP));
    }

    // The "lb service - *" cases check which Service ports the operator creates; with spec.addresses set, a
    // listener has a public address iff it got a Service port (no Service in the input: the operator's own).

    static final String PROBE = "addresses: [{value: 192.0.2.1}]";

    @Test
    @DisplayName("lb service - single listener (derived)")
    void lbServiceSingleListener() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok", "{}",
                "- {name: gateway-1-listener-udp, port: 1, protocol: UDP}\n", PROBE)));
        assertEquals(ListenerProtocol.TURN_UDP, listener(c, UDP).protocol());
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
    }

    @Test
    @DisplayName("lb service - single listener, no valid listener (derived)")
    void lbServiceNoValidListener() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok", "{}",
                "- {name: gateway-1-listener-udp, port: 1, protocol: dummy}\n", PROBE)));
        assertEquals(List.of(), c.listeners());
    }

    @Test
    @DisplayName("lb service - multi-listener, single proto (derived)")
    void lbServiceMultiListenerSingleProto() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok", "{}", """
                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                - {name: gateway-1-listener-tcp, port: 2, protocol: UDP}
                """, PROBE)));
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
        assertPublic(listener(c, TCP), "192.0.2.1", 2);
    }

    @Test
    @DisplayName("lb service - multi-listener-multi proto - first valid (derived)")
    void lbServiceFirstValid() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok", "{}", """
                - {name: gateway-1-listener-udp, port: 1, protocol: dummy-2}
                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                """, PROBE)));
        assertNoListener(c, UDP);
        assertPublic(listener(c, TCP), "192.0.2.1", 2);
    }

    @Test
    @DisplayName("lb service - multi-listener-multi-proto - mixed proto annotation in gateway - all valid (derived)")
    void lbServiceMixedProtoInGateway() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok",
                "{stunner.l7mp.io/enable-mixed-protocol-lb: 'true'}", LISTENERS, PROBE)));
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
        assertPublic(listener(c, TCP), "192.0.2.1", 2);
    }

    @Test
    @DisplayName("lb service - multi-listener-multi-proto - dummy mixed proto annotation (derived)")
    void lbServiceDummyMixedProto() throws ConfigException {
        StunnerConfig c = config(world(OperatorWorld.gateway(GW, "gatewayclass-ok",
                "{stunner.l7mp.io/enable-mixed-protocol-lb: dummy}", LISTENERS, PROBE)));
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
        assertNoPublic(listener(c, TCP));
    }

    @Test
    @DisplayName("lb service - multi-listener-multi-proto - mixed-proto enabled in GwConfig (derived)")
    void lbServiceMixedProtoInGatewayConfig() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(
                gatewayConfigWithLbAnnotations("{stunner.l7mp.io/enable-mixed-protocol-lb: 'true'}"),
                OperatorWorld.gateway(GW, "gatewayclass-ok", "{}", LISTENERS, PROBE)));
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
        assertPublic(listener(c, TCP), "192.0.2.1", 2);
    }

    @Test
    @DisplayName("lb service - multi-listener-multi-proto - mixed-proto enabled in GwConfig but disabled in Gateway"
            + " (derived)")
    void lbServiceMixedProtoOverriddenByGateway() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(
                gatewayConfigWithLbAnnotations("{stunner.l7mp.io/enable-mixed-protocol-lb: 'true'}"),
                OperatorWorld.gateway(GW, "gatewayclass-ok", "{stunner.l7mp.io/enable-mixed-protocol-lb: 'false'}",
                        LISTENERS, PROBE)));
        assertPublic(listener(c, UDP), "192.0.2.1", 1);
        assertNoPublic(listener(c, TCP));
    }

    static final String NP_LISTENERS = """
            - {name: random-np, port: 1, protocol: UDP}
            - {name: force-np1, port: 2, protocol: UDP}
            - {name: force-np2, port: 3, protocol: UDP}
            """;

    /** Observed through a Node: the listener's NodePort is its public port. */
    @Test
    @DisplayName("lb service - JSON formatted nodeport annotation in the GatewayConfig enforced (derived)")
    void nodePortAnnotationInGatewayConfig() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(gatewayConfigWithLbAnnotations(
                "{stunner.l7mp.io/nodeport: '{\"force-np1\":101,\"force-np2\":102,\"force-np3\":103}'}"),
                NODE, annotatedGateway("{}", NP_LISTENERS)));
        assertNoPublic(listener(c, "random-np"));
        assertPublic(listener(c, "force-np1"), "1.2.3.4", 101);
        assertPublic(listener(c, "force-np2"), "1.2.3.4", 102);
    }

    @Test
    @DisplayName("lb service - JSON formatted nodeport annotation enforced (derived)")
    void nodePortAnnotationInGateway() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(gatewayConfigWithLbAnnotations(
                "{stunner.l7mp.io/nodeport: '{\\\"dummy-data-in-the-wrong-format'}"), NODE, annotatedGateway(
                "{stunner.l7mp.io/nodeport: '{\"force-np1\":101,\"force-np2\":102,\"force-np3\":103}'}",
                NP_LISTENERS)));
        assertNoPublic(listener(c, "random-np"));
        assertPublic(listener(c, "force-np1"), "1.2.3.4", 101);
        assertPublic(listener(c, "force-np2"), "1.2.3.4", 102);
    }

    @Test
    @DisplayName("lb service - JSON formatted targetport annotation in the GatewayConfig enforced")
    void targetPortAnnotationInGatewayConfig() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(gatewayConfigWithLbAnnotations(
                "{stunner.l7mp.io/targetport: '{\"force-np1\":101,\"force-np2\":102,\"force-np3\":103}'}"),
                annotatedGateway("{}", NP_LISTENERS)));
        assertEquals(1, listener(c, "random-np").port());
        assertEquals(101, listener(c, "force-np1").port());
        assertEquals(102, listener(c, "force-np2").port());
    }

    @Test
    @DisplayName("lb service - JSON formatted targetport annotation enforced")
    void targetPortAnnotationInGateway() throws ConfigException {
        StunnerConfig c = config(worldWithConfig(gatewayConfigWithLbAnnotations(
                "{stunner.l7mp.io/targetport: '{\\\"dummy-data-in-the-wrong-format'}"), annotatedGateway(
                "{stunner.l7mp.io/targetport: '{\"force-np1\":101,\"force-np2\":102,\"force-np3\":103}'}",
                NP_LISTENERS)));
        assertEquals(1, listener(c, "random-np").port());
        assertEquals(101, listener(c, "force-np1").port());
        assertEquals(102, listener(c, "force-np2").port());
    }

    @Test
    @DisplayName("lb service - JSON formatted nodeport annotation parsing (derived: targetport, same parser)")
    void portAnnotationParsing() throws ConfigException {
        String[][] cases = {
                {"{\"force-np1\":11,\"force-np2\":12}", "11", "12"},
                {"\"force-np1\":11,\"force-np2\":12", "11", "12"},
                {"{}", "2", "3"},
                {"", "2", "3"},
                {"[\"force-np1\":11", "2", "3"},
                {"\"dummy\"", "2", "3"},
                {"{\"force-np1\":11,\"force-np2\":12,\"c\":{\"a\":1,\"b\":2}}", "2", "3"},
        };
        for (String[] k : cases) {
            String ann = "{stunner.l7mp.io/targetport: '" + k[0] + "'}";
            StunnerConfig c = config(world(annotatedGateway(ann, NP_LISTENERS)));
            assertEquals(Integer.parseInt(k[1]), listener(c, "force-np1").port(), k[0]);
            assertEquals(Integer.parseInt(k[2]), listener(c, "force-np2").port(), k[0]);
        }
    }
}
