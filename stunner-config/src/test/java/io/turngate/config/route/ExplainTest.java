package io.turngate.config.route;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainTest {
    static final String L1 = "stunner/gw/udp";
    static final String L2 = "stunner/gw/tcp";

    /** Two listeners; {@code routes1} on L1, {@code routes2} on L2; {@code clusters} as JSON array items. */
    static StunnerConfig config(String routes1, String routes2, String clusters) throws ConfigException {
        return ConfigLoader.parse("{\"version\":\"v1\",\"admin\":{\"name\":\"stunner/gw\"},"
                + "\"auth\":{\"type\":\"static\",\"credentials\":{\"username\":\"u\",\"password\":\"p\"}},"
                + "\"listeners\":[{\"name\":\"" + L1 + "\",\"protocol\":\"TURN-UDP\",\"port\":3478,\"routes\":[" + routes1 + "]},"
                + "{\"name\":\"" + L2 + "\",\"protocol\":\"TURN-TCP\",\"port\":3478,\"routes\":[" + routes2 + "]}],"
                + "\"clusters\":[" + clusters + "]}", Map.of());
    }

    static String cluster(String name, String... endpoints) {
        return typedCluster(name, "STATIC", endpoints);
    }

    static String typedCluster(String name, String type, String... endpoints) {
        StringBuilder sb = new StringBuilder("{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"endpoints\":[");
        for (int i = 0; i < endpoints.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(endpoints[i]).append('"');
        }
        return sb.append("]}").toString();
    }

    static void assertTrace(Explain.Verdict v, String line) {
        assertTrue(v.trace().contains(line), "missing trace line:\n  " + line + "\nhave:\n  " + String.join("\n  ", v.trace()));
    }

    @Test
    void peerInAClusterOfTheListenerIsAllowedWithAndWithoutPort() throws ConfigException {
        StunnerConfig c = config("\"media\"", "", cluster("media", "10.244.0.0/16:<10000-20000>"));
        Explain.Verdict ipOnly = Explain.peer(c, L1, "10.244.1.17");
        assertTrue(ipOnly.allowed(), ipOnly.toString());
        assertEquals("permission granted on listener \"stunner/gw/udp\" for peer 10.244.1.17 via cluster media", ipOnly.reason());

        Explain.Verdict inRange = Explain.peer(c, L1, "10.244.1.17:15000");
        assertTrue(inRange.allowed());
        assertTrace(inRange, "port 15000: allowed by endpoint 10.244.0.0/16:<10000-20000> of cluster media (the first"
                + " cluster admitting 10.244.1.17)");

        Explain.Verdict outOfRange = Explain.peer(c, L1, "10.244.1.17:9999");
        assertFalse(outOfRange.allowed());
        assertEquals("peer port administratively prohibited: 10.244.1.17:9999 on listener \"stunner/gw/udp\" (cluster media"
                + " allows ports 10000-20000)", outOfRange.reason());
    }

    @Test
    void onlyTheFirstMatchingClusterDecidesThePort() throws ConfigException {
        StunnerConfig c = config("\"b-wide\",\"a-narrow\"", "", cluster("a-narrow", "10.0.0.0/8:<5000-5000>") + ","
                + cluster("b-wide", "10.0.0.1"));
        Explain.Verdict denied = Explain.peer(c, L1, "10.0.0.1:6000");
        assertFalse(denied.allowed());
        assertTrue(denied.reason().startsWith("peer port administratively prohibited"), denied.reason());
        assertTrace(denied, "note: cluster b-wide would allow port 6000, but only the first matching cluster counts (STUNner)");
        assertTrue(Explain.peer(c, L1, "10.0.0.1:5000").allowed());
        assertTrue(Explain.peer(c, L1, "10.0.0.1").allowed(), "permission is IP-only");
    }

    @Test
    void peerRoutedOnlyOnAnotherListenerIsDeniedWithAHint() throws ConfigException {
        StunnerConfig c = config("\"local\",\"typo\"", "\"remote\"", cluster("local", "192.0.2.0/24") + ","
                + cluster("remote", "198.51.100.0/24") + "," + cluster("spare", "198.51.100.7"));
        Explain.Verdict v = Explain.peer(c, L1, "198.51.100.7:3000");
        assertFalse(v.allowed());
        assertEquals("permission denied on listener \"stunner/gw/udp\" for peer 198.51.100.7: no route to endpoint", v.reason());
        assertTrace(v, "route typo: no cluster of that name (ignored by stunnerd)");
        assertTrace(v, "cluster local (STATIC): no endpoint contains 198.51.100.7");
        assertTrace(v, "hint: 198.51.100.7 is routed on listener stunner/gw/tcp via cluster remote, but each listener admits"
                + " only the clusters of its own routes");
        assertTrace(v, "hint: cluster spare would admit 198.51.100.7 but no listener routes to it (add it to listener"
                + " stunner/gw/udp's routes)");
        assertTrue(Explain.peer(c, L2, "198.51.100.7:3000").allowed());
    }

    @Test
    void specialRangesNeedExplicitNaming() throws ConfigException {
        StunnerConfig open = config("\"open\"", "", cluster("open", "0.0.0.0/0") + "," + cluster("open6", "::/0"));
        for (String peer : List.of("127.0.0.1", "0.0.0.0", "169.254.169.254", "224.0.0.1", "255.255.255.255")) {
            Explain.Verdict v = Explain.peer(open, L1, peer + ":80");
            assertFalse(v.allowed(), peer);
            assertTrue(v.reason().endsWith("no route to endpoint"), v.reason());
        }
        Explain.Verdict lo = Explain.peer(open, L1, "127.0.0.1:80");
        assertTrace(lo, "127.0.0.1 is in the loopback 127.0.0.0/8 range: only an endpoint naming that range explicitly"
                + " admits it (turngate security rule; covering prefixes such as 0.0.0.0/0 do not)");
        assertTrace(lo, "cluster open (STATIC): 0.0.0.0/0 covers 127.0.0.1 but does not name the loopback 127.0.0.0/8"
                + " range explicitly: refused");
        assertTrue(Explain.peer(open, L1, "8.8.8.8:53").allowed(), "ordinary peers pass the open cluster");

        StunnerConfig named = config("\"a-open\",\"b-loop\"", "", cluster("a-open", "0.0.0.0/0") + ","
                + cluster("b-loop", "127.0.0.1:<8000-8000>"));
        assertTrue(Explain.peer(named, L1, "127.0.0.1:8000").allowed());
        Explain.Verdict wrongPort = Explain.peer(named, L1, "127.0.0.1:9000");
        assertFalse(wrongPort.allowed(), "a-open does not admit loopback, so b-loop is the first admitting cluster");
        assertTrue(wrongPort.reason().contains("cluster b-loop allows ports 8000-8000"), wrongPort.reason());
    }

    @Test
    void ipv4InIpv6PeersAreCanonicalisedBeforeMatching() throws ConfigException {
        StunnerConfig open = config("\"open\"", "", cluster("open", "0.0.0.0/0"));
        String[][] forms = {
            {"[::ffff:127.0.0.1]:80", "peer ::ffff:127.0.0.1 (IPv4-mapped IPv6 address) canonicalised to 127.0.0.1"},
            {"[::127.0.0.1]:80", "peer ::127.0.0.1 (IPv4-compatible IPv6 address) canonicalised to 127.0.0.1"},
            {"[2002:7f00:1::]:80", "peer 2002:7f00:1:: (6to4 address) canonicalised to 127.0.0.1"},
            {"[64:ff9b::a9fe:a9fe]:80", "peer 64:ff9b::169.254.169.254 (NAT64 (64:ff9b::/96) address) canonicalised to"
                    + " 169.254.169.254"},
        };
        for (String[] f : forms) {
            Explain.Verdict v = Explain.peer(open, L1, f[0]);
            assertFalse(v.allowed(), f[0]);
            assertTrace(v, f[1]);
        }
        Explain.Verdict ok = Explain.peer(open, L1, "::ffff:8.8.8.8");
        assertTrue(ok.allowed(), "an embedded ordinary IPv4 peer matches the IPv4 cluster");
        assertEquals("permission granted on listener \"stunner/gw/udp\" for peer 8.8.8.8 via cluster open", ok.reason());
    }

    @Test
    void ipv6PeersMatchIpv6ClustersOnly() throws ConfigException {
        StunnerConfig c = config("\"v4\",\"v6\"", "", cluster("v4", "0.0.0.0/0") + ","
                + cluster("v6", "2001:db8::/32:<5000-6000>", "::1"));
        assertTrue(Explain.peer(c, L1, "[2001:db8::7]:5500").allowed());
        Explain.Verdict port = Explain.peer(c, L1, "[2001:db8::7]:7000");
        assertFalse(port.allowed());
        assertTrace(port, "cluster v4 (STATIC): no endpoint contains 2001:db8::7");
        assertTrue(Explain.peer(c, L1, "[::1]:1").allowed(), "::1 named explicitly");
        assertFalse(Explain.peer(c, L1, "2001:db9::1").allowed());
    }

    @Test
    void strictDnsClustersCannotBeDecidedOfflineUnlessLiteral() throws ConfigException {
        StunnerConfig c = config("\"a-dns\",\"b-static\"", "", typedCluster("a-dns", "STRICT_DNS", "media.default.svc.cluster.local",
                "10.9.9.9") + "," + cluster("b-static", "10.0.0.0/8:<5000-5000>"));
        Explain.Verdict unknown = Explain.peer(c, L1, "192.0.2.1");
        assertFalse(unknown.allowed());
        assertTrue(unknown.undecidable(), unknown.reason());
        assertEquals(Explain.UNDECIDABLE + "peer 192.0.2.1 is admitted on listener \"stunner/gw/udp\" only if STRICT_DNS"
                + " cluster a-dns resolves to it", unknown.reason());
        assertTrace(unknown, "STRICT_DNS cluster a-dns: resolved at runtime, cannot decide offline"
                + " (media.default.svc.cluster.local)");

        assertTrue(Explain.peer(c, L1, "10.9.9.9:1234").allowed(), "a literal IP in a DNS cluster matches, all ports");

        assertTrue(Explain.peer(c, L1, "10.0.0.1:5000").allowed(), "the STATIC cluster allows the port either way");
        Explain.Verdict port = Explain.peer(c, L1, "10.0.0.1:6000");
        assertFalse(port.allowed());
        assertTrue(port.undecidable(), "allowed only if the earlier DNS cluster resolves to the peer: " + port.reason());
    }

    @Test
    void badInputIsReportedNotThrown() throws ConfigException {
        StunnerConfig c = config("", "", cluster("x", "10.0.0.1"));
        Explain.Verdict noListener = Explain.peer(c, "nope", "10.0.0.1");
        assertFalse(noListener.allowed());
        assertEquals("listener \"nope\": not found (expected: one of stunner/gw/udp, stunner/gw/tcp)", noListener.reason());
        assertEquals("peer \"10.0.0\" (expected: IP, IP:PORT or [IPv6]:PORT)", Explain.peer(c, L1, "10.0.0").reason());
        assertEquals("peer port \"70000\" in \"10.0.0.1:70000\" (expected: 1..65535)",
                Explain.peer(c, L1, "10.0.0.1:70000").reason());
        Explain.Verdict empty = Explain.peer(c, L1, "10.0.0.1");
        assertFalse(empty.allowed());
        assertTrace(empty, "listener stunner/gw/udp has no routes");
    }

    @Test
    void ipv6TextFollowsRfc5952() {
        assertEquals("2001:db8::1", Explain.text(PeerAddresses.parseLiteral("2001:0db8:0:0:0:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", Explain.text(PeerAddresses.parseLiteral("2001:db8:0:1:1:1:1:1")));
        assertEquals("2001::1:0:0:1", Explain.text(PeerAddresses.parseLiteral("2001:0:0:0:1:0:0:1")));
        assertEquals("::", Explain.text(PeerAddresses.parseLiteral("::")));
        assertEquals("::1", Explain.text(PeerAddresses.parseLiteral("::1")));
        assertEquals("::ffff:10.0.0.1", Explain.text(PeerAddresses.parseLiteral("::ffff:a00:1")));
    }
}
