package io.turngate.config.route;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest {
    @Test
    void tableListsRoutesInSortedOrderUnknownRoutesAndUnroutedClusters() throws ConfigException {
        StunnerConfig c = ConfigLoader.parse("""
                version: v1
                admin: {name: stunner/gw}
                auth: {type: static, credentials: {username: u, password: p}}
                listeners:
                - name: stunner/gw/udp
                  protocol: TURN-UDP
                  address: 10.244.0.5
                  public_address: 203.0.113.10
                  public_port: 3478
                  port: 3478
                  routes: [stunner/media, stunner/typo, stunner/loop]
                - {name: stunner/gw/tcp, protocol: TURN-TCP, port: 3478}
                clusters:
                - {name: stunner/media, type: STATIC, endpoints: ["10.244.0.0/16:<10000-20000>", "0.0.0.0/0"]}
                - {name: stunner/loop, endpoints: ["127.0.0.1"]}
                - {name: stunner/dns, type: STRICT_DNS, endpoints: [sfu.media.svc.cluster.local]}
                """, Map.of());
        RouteTable t = RouteTable.of(c);
        assertEquals(2, t.listeners().size());
        RouteTable.ListenerRoutes udp = t.listeners().get(0);
        assertEquals(List.of("stunner/loop", "stunner/media", "stunner/typo"),
                udp.routes().stream().map(RouteTable.Route::name).toList());
        assertFalse(udp.routes().get(2).known());
        assertNull(udp.routes().get(2).cluster());
        assertEquals(List.of("stunner/dns"), t.unroutedClusters().stream().map(cl -> cl.name()).toList());

        String text = t.format();
        List<String> lines = text.lines().toList();
        assertEquals("listener stunner/gw/udp: TURN-UDP port 3478, relay address 10.244.0.5, public 203.0.113.10:3478",
                lines.get(0));
        assertEquals("  route stunner/loop (STATIC, UDP)", lines.get(1));
        assertEquals(String.format("    %-40s all ports (names the loopback 127.0.0.0/8 range explicitly: admitted)",
                "127.0.0.1"), lines.get(2));
        assertEquals("  route stunner/media (STATIC, UDP)", lines.get(3));
        assertTrue(lines.contains(String.format("    %-40s all ports (any IPv4 peer except loopback, unspecified,"
                + " link-local, multicast and broadcast)", "0.0.0.0/0")), text);
        assertTrue(lines.contains(String.format("    %-40s ports 10000-20000", "10.244.0.0/16")), text);
        assertEquals("  route stunner/typo: UNKNOWN (no cluster of that name; ignored)", lines.get(6));
        assertEquals("listener stunner/gw/tcp: TURN-TCP port 3478, relay address 0.0.0.0", lines.get(7));
        assertEquals("  (no routes: every peer is denied on this listener)", lines.get(8));
        assertEquals("clusters no listener routes to:", lines.get(9));
        assertEquals("  cluster stunner/dns (STRICT_DNS, UDP)", lines.get(10));
        assertEquals(String.format("    %-40s (DNS name, resolved at runtime; all ports)", "sfu.media.svc.cluster.local"),
                lines.get(11));
        assertEquals(12, lines.size(), text);
    }
}
