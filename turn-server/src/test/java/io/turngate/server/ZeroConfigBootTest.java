package io.turngate.server;

import io.turngate.config.cds.ZeroConfig;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway boots on STUNner's zero config, as stunnerd does in watch mode with a config discovery service: no
 * listener, no socket; the first real config brings the listener, and a later zero config would take it away again
 * (the CDS source never delivers one in watch mode, but the gateway must survive it).
 */
@Timeout(30)
class ZeroConfigBootTest {
    @Test
    void aGatewayStartedOnTheZeroConfigServesTheFirstRealConfig() throws Exception {
        StunnerConfig zero = ZeroConfig.of("testns/gateway", "");
        assertTrue(ZeroConfig.isZero(zero));
        assertEquals("testns/gateway", zero.admin().name());
        try (Gateway gw = Gateway.start(zero, Gateway.Options.defaults().withUdpThreads(4))) {
            assertEquals(List.of(), gw.listenerNames());
            int port = TestGateways.freeUdpPort();
            gw.apply(TestGateways.config(port, "127.0.0.1"));
            assertEquals(List.of(TestGateways.LISTENER), gw.listenerNames());
            try (TestTurnClient c = TestTurnClient.of(port, TestGateways.USER, TestGateways.PASS)) {
                c.allocateOrFail();
            }
            gw.apply(zero);
            assertEquals(List.of(), gw.listenerNames());
            assertTrue(TestGateways.udpPortIsFree(port));
        }
    }

    @Test
    void theZeroConfigIsWhatTheConfigDiscoveryServiceSends() throws Exception {
        assertEquals("{\"version\":\"v1\",\"admin\":{\"name\":\"ns/gw\"},\"auth\":{\"type\":\"static\","
                + "\"realm\":\"stunner.l7mp.io\",\"credentials\":{\"password\":\"dummy-password\","
                + "\"username\":\"dummy-username\"}}}", ZeroConfig.json("ns/gw"));
        StunnerConfig booted = ZeroConfig.of("ns/gw", null);
        assertEquals("http://:8086", booted.admin().healthCheckEndpoint(), "stunnerd's default health endpoint");
        assertTrue(ZeroConfig.isZero(booted));
        assertTrue(!ZeroConfig.isZero(TestGateways.config(3478, "127.0.0.1")));
    }
}
