package io.turngate.turn;

import io.turngate.config.route.PeerAddresses;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiling STUNner's "routing is permission" rule (stunner-compat §1c.2–§1c.3) plus turngate's special ranges. */
class RoutePolicyTest {
    private static final Map<String, Set<InetAddress>> NO_DNS = Map.of();

    private static ClusterConfig cluster(String name, String... endpoints) {
        return new ClusterConfig(name, ClusterType.STATIC, ClusterProtocol.UDP, List.of(endpoints));
    }

    private static ClusterConfig dns(String name, String... names) {
        return new ClusterConfig(name, ClusterType.STRICT_DNS, ClusterProtocol.UDP, List.of(names));
    }

    private static ListenerConfig listener(String... routes) {
        return new ListenerConfig("ns/gw/l", ListenerProtocol.TURN_UDP, "", 0, "127.0.0.1", 3478, "", "", List.of(routes));
    }

    private static StunnerConfig config(ListenerConfig l, ClusterConfig... clusters) {
        return new StunnerConfig("v1", new AdminConfig("a", "all:INFO", "", "", 0, "None", List.of()),
                new AuthConfig(AuthType.STATIC, "r", Map.of("username", "u", "password", "p")), List.of(l),
                List.of(clusters));
    }

    private static RoutePolicy compile(ListenerConfig l, ClusterConfig... clusters) {
        return RoutePolicy.compile(config(l, clusters), l, NO_DNS);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static String admittedBy(RoutePolicy p, String peer) throws Exception {
        RoutePolicy.Cluster c = p.admit(ip(peer));
        return c == null ? null : c.name();
    }

    private static boolean allowed(RoutePolicy p, String peer, int port) throws Exception {
        return RoutePolicy.portAllowed(p.portRanges(ip(peer)), port);
    }

    @Test
    void firstClusterInSortedOrderDecidesThePorts() throws Exception {
        ListenerConfig l = listener("b-wide", "a-narrow"); // listed unsorted on purpose
        RoutePolicy p = compile(l, cluster("b-wide", "10.0.0.0/8:<1000-2000>"), cluster("a-narrow", "10.1.2.3:<5000-5000>"));
        assertEquals("a-narrow", admittedBy(p, "10.1.2.3"));
        assertTrue(allowed(p, "10.1.2.3", 5000));
        assertFalse(allowed(p, "10.1.2.3", 1500), "only the first containing cluster's ports count (§1c.3)");
        assertEquals("b-wide", admittedBy(p, "10.9.9.9"));
        assertTrue(allowed(p, "10.9.9.9", 1000));
        assertTrue(allowed(p, "10.9.9.9", 2000));
        assertFalse(allowed(p, "10.9.9.9", 999));
        assertFalse(allowed(p, "10.9.9.9", 2001));
        assertFalse(allowed(p, "10.9.9.9", 5000));
    }

    @Test
    void rangesOfSeveralEndpointsOfTheFirstClusterAddUp() throws Exception {
        ListenerConfig l = listener("c");
        RoutePolicy p = compile(l, cluster("c", "10.0.0.0/24:<10-20>", "10.0.0.5:<30-40>", "10.0.1.0/24"));
        assertArrayEquals(new int[] {10, 20, 30, 40}, p.portRanges(ip("10.0.0.5")));
        assertTrue(allowed(p, "10.0.0.5", 35));
        assertFalse(allowed(p, "10.0.0.5", 25));
        assertFalse(allowed(p, "10.0.0.6", 35));
        assertArrayEquals(new int[] {1, 65535}, p.portRanges(ip("10.0.1.9")), "no port suffix means 1..65535");
    }

    @Test
    void admissionIsByIpOnly() throws Exception {
        RoutePolicy p = compile(listener("c"), cluster("c", "192.0.2.10:<3478-3478>"));
        assertNotNull(p.admit(ip("192.0.2.10")), "CreatePermission ignores ports (§1c.2)");
        assertNull(p.admit(ip("192.0.2.11")));
        assertNull(p.portRanges(ip("192.0.2.11")), "not routed at all");
        assertFalse(RoutePolicy.portAllowed(null, 3478));
    }

    @Test
    void clustersNotOnTheListenersRoutesAreIgnored() throws Exception {
        RoutePolicy p = compile(listener("mine"), cluster("mine", "192.0.2.1"), cluster("other", "198.51.100.0/24"));
        assertNotNull(p.admit(ip("192.0.2.1")));
        assertNull(p.admit(ip("198.51.100.5")), "a cluster routed by another listener only must not admit (§1c.2)");
    }

    @Test
    void missingRouteNamesAreIgnored() throws Exception {
        RoutePolicy p = compile(listener("zz-missing", "c", "aa-missing"), cluster("c", "192.0.2.0/24"));
        assertEquals(List.of("aa-missing", "zz-missing"), p.missingRoutes());
        assertEquals("c", admittedBy(p, "192.0.2.200"));
        assertEquals("ns/gw/l", p.listenerName());
    }

    @Test
    void strictDnsUsesTheCurrentResolution() throws Exception {
        ListenerConfig l = listener("d");
        StunnerConfig cfg = config(l, dns("d", "media.example", "gone.example"));
        RoutePolicy p = RoutePolicy.compile(cfg, l, Map.of("media.example", Set.of(ip("10.2.2.2"), ip("2001:db8::2"))));
        assertEquals("d", admittedBy(p, "10.2.2.2"));
        assertEquals("d", admittedBy(p, "2001:db8::2"));
        assertNull(p.admit(ip("10.2.2.3")));
        assertArrayEquals(new int[] {1, 65535}, p.portRanges(ip("10.2.2.2")), "STRICT_DNS has no port ranges");
        RoutePolicy unresolved = RoutePolicy.compile(cfg, l, NO_DNS);
        assertNull(unresolved.admit(ip("10.2.2.2")), "a name without a resolution admits nobody");
    }

    @Test
    void strictDnsClusterSortedBeforeStaticOneTakesThePorts() throws Exception {
        ListenerConfig l = listener("b-static", "a-dns");
        StunnerConfig cfg = config(l, dns("a-dns", "media.example"), cluster("b-static", "10.2.2.0/24:<7-7>"));
        RoutePolicy p = RoutePolicy.compile(cfg, l, Map.of("media.example", Set.of(ip("10.2.2.2"))));
        assertEquals("a-dns", admittedBy(p, "10.2.2.2"));
        assertTrue(allowed(p, "10.2.2.2", 9000));
        assertEquals("b-static", admittedBy(p, "10.2.2.3"));
        assertFalse(allowed(p, "10.2.2.3", 9000));
    }

    @Test
    void specialRangesNeedExplicitNaming() throws Exception {
        RoutePolicy wide = compile(listener("any"), cluster("any", "0.0.0.0/0", "::/0"));
        for (String s : new String[] {"127.0.0.1", "127.1.2.3", "0.0.0.0", "0.0.0.1", "169.254.169.254", "224.0.0.1",
            "239.255.255.250", "255.255.255.255", "::1", "::", "fe80::1", "ff02::1"}) {
            assertNull(wide.admit(ip(s)), s + " must not be admitted by a covering prefix");
            assertNull(wide.portRanges(ip(s)), s);
        }
        for (String s : new String[] {"8.8.8.8", "10.0.0.1", "192.0.2.1", "2001:db8::1", "254.1.1.1", "1.0.0.0"}) {
            assertNotNull(wide.admit(ip(s)), s);
        }

        RoutePolicy named = compile(listener("loop"), cluster("loop", "127.0.0.1", "169.254.0.0/16", "ff02::1", "::1"));
        assertNotNull(named.admit(ip("127.0.0.1")));
        assertNull(named.admit(ip("127.0.0.2")), "127.0.0.1 names one address, not the range");
        assertNotNull(named.admit(ip("169.254.3.4")));
        assertNotNull(named.admit(ip("ff02::1")));
        assertNotNull(named.admit(ip("::1")));
        assertNull(named.admit(ip("ff02::2")));

        RoutePolicy loopRange = compile(listener("l"), cluster("l", "127.0.0.0/8"));
        assertNotNull(loopRange.admit(ip("127.0.0.9")));
        RoutePolicy tooWide = compile(listener("l"), cluster("l", "127.0.0.0/7"));
        assertNull(tooWide.admit(ip("127.0.0.9")), "/7 covers the loopback range but does not name it");
    }

    @Test
    void specialAddressTakesPortsFromTheClusterThatNamesIt() throws Exception {
        ListenerConfig l = listener("a-any", "b-local");
        RoutePolicy p = compile(l, cluster("a-any", "0.0.0.0/0:<1-100>"), cluster("b-local", "127.0.0.1:<200-300>"));
        assertEquals("b-local", admittedBy(p, "127.0.0.1"));
        assertArrayEquals(new int[] {200, 300}, p.portRanges(ip("127.0.0.1")));
        assertEquals("a-any", admittedBy(p, "192.0.2.1"));
        assertArrayEquals(new int[] {1, 100}, p.portRanges(ip("192.0.2.1")));
    }

    @Test
    void familiesNeverCross() throws Exception {
        RoutePolicy v4 = compile(listener("c"), cluster("c", "0.0.0.0/0"));
        assertNull(v4.admit(ip("2001:db8::1")));
        RoutePolicy v6 = compile(listener("c"), cluster("c", "::/0"));
        assertNull(v6.admit(ip("192.0.2.1")));
    }

    @Test
    void canonicalisedEmbeddedLoopbackIsStillRefusedByWildcards() throws Exception {
        // The relay canonicalises before asking the policy; the policy then sees plain 127.0.0.1.
        RoutePolicy wide = compile(listener("any"), cluster("any", "0.0.0.0/0", "::/0"));
        for (String s : new String[] {"::127.0.0.1", "2002:7f00:1::", "64:ff9b::7f00:1"}) {
            byte[] canon = PeerAddresses.canonicalize(ip(s).getAddress());
            assertEquals(4, canon.length, s);
            assertNull(wide.admit(InetAddress.getByAddress(canon)), s);
        }
    }

    @Test
    void ipv6CidrsAndPortRangesMatchAndSpecialIpv6RangesNeedNaming() throws Exception {
        RoutePolicy p = compile(listener("a-wide", "b-pods", "c-lo"), cluster("a-wide", "::/0:<3000-3999>"),
                cluster("b-pods", "fd00:10::/64:<5000-5999>", "2001:db8:1::/48"), cluster("c-lo", "::1"));
        assertEquals("a-wide", admittedBy(p, "2001:db8:1::9"), "the first cluster in route order");
        assertArrayEquals(new int[] {3000, 3999}, p.portRanges(ip("2001:db8:1::9")));
        assertTrue(RoutePolicy.portAllowed(p.portRanges(ip("2001:db8:1::9")), 3999));
        assertFalse(RoutePolicy.portAllowed(p.portRanges(ip("2001:db8:1::9")), 4000));
        // Not covered by ::/0: unique-local (named by b-pods, with its ports), loopback (named by c-lo), link-local,
        // multicast, unspecified, Teredo (named by none).
        assertEquals("b-pods", admittedBy(p, "fd00:10::7"));
        assertArrayEquals(new int[] {5000, 5999}, p.portRanges(ip("fd00:10::7")));
        assertNull(admittedBy(p, "fd00:11::7"), "a unique-local address no route names");
        assertEquals("c-lo", admittedBy(p, "::1"));
        for (String s : new String[] {"fe80::1", "ff02::1", "::", "2001:0:4136:e378:8000:63bf:3fff:fdd2"}) {
            assertNull(admittedBy(p, s), s);
            assertNull(p.portRanges(ip(s)), s);
        }
        // A non-octet-aligned IPv6 prefix: 2001:db8:8000::/33 holds 2001:db8:8000:: up to 2001:db8:ffff:....
        RoutePolicy odd = compile(listener("c"), cluster("c", "2001:db8:8000::/33"));
        assertEquals("c", admittedBy(odd, "2001:db8:ffff:ffff::1"));
        assertNull(admittedBy(odd, "2001:db8:7fff:ffff::1"));
    }

    @Test
    void emptyPolicyRefusesEverything() throws Exception {
        assertNull(RoutePolicy.EMPTY.admit(ip("192.0.2.1")));
        assertNull(RoutePolicy.EMPTY.portRanges(ip("192.0.2.1")));
        RoutePolicy noRoutes = compile(listener(), cluster("c", "0.0.0.0/0"));
        assertNull(noRoutes.admit(ip("192.0.2.1")));
    }
}
