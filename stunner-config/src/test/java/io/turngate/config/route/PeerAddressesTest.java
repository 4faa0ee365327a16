package io.turngate.config.route;

import io.turngate.config.route.PeerAddresses.Embedding;
import io.turngate.config.route.PeerAddresses.SpecialRange;
import io.turngate.config.v1.Endpoint;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerAddressesTest {
    private static byte[] ip(String s) {
        byte[] b = PeerAddresses.parseLiteral(s);
        assertNotNull(b, s);
        return b;
    }

    private static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    // ---- canonicalisation -------------------------------------------------------------------------------

    @Test
    void ipv4IsReturnedAsIsWithoutCopying() {
        byte[] a = v4(10, 0, 0, 1);
        assertSame(a, PeerAddresses.canonicalize(a));
        byte[] v6 = ip("2001:db8::1");
        assertSame(v6, PeerAddresses.canonicalize(v6), "a genuine IPv6 address is returned as is");
    }

    @Test
    void everyIpv4InIpv6FormIsCanonicalisedToIpv4() {
        assertArrayEquals(v4(127, 0, 0, 1), PeerAddresses.canonicalize(ip("::ffff:127.0.0.1")), "IPv4-mapped");
        assertArrayEquals(v4(127, 0, 0, 1), PeerAddresses.canonicalize(ip("::ffff:7f00:1")), "IPv4-mapped, hex");
        assertArrayEquals(v4(10, 1, 2, 3), PeerAddresses.canonicalize(ip("::10.1.2.3")), "IPv4-compatible");
        assertArrayEquals(v4(127, 0, 0, 1), PeerAddresses.canonicalize(ip("2002:7f00:1::")), "6to4");
        assertArrayEquals(v4(192, 0, 2, 33), PeerAddresses.canonicalize(ip("2002:c000:221:1:2:3:4:5")), "6to4 with host bits");
        assertArrayEquals(v4(169, 254, 169, 254), PeerAddresses.canonicalize(ip("64:ff9b::a9fe:a9fe")), "NAT64");
        assertArrayEquals(v4(169, 254, 169, 254), PeerAddresses.canonicalize(ip("64:ff9b::169.254.169.254")), "NAT64 dotted");

        assertEquals(Embedding.IPV4_MAPPED, PeerAddresses.embedding(ip("::ffff:1.2.3.4")));
        assertEquals(Embedding.IPV4_COMPATIBLE, PeerAddresses.embedding(ip("::1.2.3.4")));
        assertEquals(Embedding.SIX_TO_FOUR, PeerAddresses.embedding(ip("2002:102:304::")));
        assertEquals(Embedding.NAT64, PeerAddresses.embedding(ip("64:ff9b::102:304")));
        assertEquals(12, PeerAddresses.ipv4Offset(ip("::ffff:1.2.3.4")));
        assertEquals(2, PeerAddresses.ipv4Offset(ip("2002:102:304::")));
        assertEquals(0x01020304, PeerAddresses.ipv4AsInt(ip("2002:102:304::"), 2));
    }

    @Test
    void ipv6UnspecifiedLoopbackAndLookalikesStayIpv6() {
        for (String s : new String[] {"::", "::1", "64:ff9b:1::102:304", "64:ff9b::1:0:102:304", "::fffe:1.2.3.4",
                "1::ffff:1.2.3.4", "2001:db8::1", "fe80::1"}) {
            byte[] a = ip(s);
            assertSame(a, PeerAddresses.canonicalize(a), s);
            assertNull(PeerAddresses.embedding(a), s);
            assertEquals(-1, PeerAddresses.ipv4Offset(a), s);
        }
    }

    @Test
    void badLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PeerAddresses.canonicalize(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> PeerAddresses.classify(new byte[0]));
    }

    // ---- classification ---------------------------------------------------------------------------------

    @Test
    void eachSpecialRangeIsClassifiedWithExactBoundaries() {
        assertEquals(SpecialRange.UNSPECIFIED, PeerAddresses.classify(ip("0.0.0.0")));
        assertEquals(SpecialRange.UNSPECIFIED, PeerAddresses.classify(ip("0.255.255.255")));
        assertNull(PeerAddresses.classify(ip("1.0.0.0")));
        assertNull(PeerAddresses.classify(ip("126.255.255.255")));
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("127.0.0.0")));
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("127.255.255.255")));
        assertNull(PeerAddresses.classify(ip("128.0.0.0")));
        assertNull(PeerAddresses.classify(ip("169.253.255.255")));
        assertEquals(SpecialRange.LINK_LOCAL, PeerAddresses.classify(ip("169.254.0.0")));
        assertEquals(SpecialRange.LINK_LOCAL, PeerAddresses.classify(ip("169.254.169.254")));
        assertNull(PeerAddresses.classify(ip("169.255.0.0")));
        assertNull(PeerAddresses.classify(ip("223.255.255.255")));
        assertEquals(SpecialRange.MULTICAST, PeerAddresses.classify(ip("224.0.0.0")));
        assertEquals(SpecialRange.MULTICAST, PeerAddresses.classify(ip("239.255.255.255")));
        assertNull(PeerAddresses.classify(ip("240.0.0.0")));
        assertNull(PeerAddresses.classify(ip("255.255.255.254")));
        assertEquals(SpecialRange.BROADCAST, PeerAddresses.classify(ip("255.255.255.255")));
        assertNull(PeerAddresses.classify(ip("10.0.0.1")));

        assertEquals(SpecialRange.UNSPECIFIED, PeerAddresses.classify(ip("::")));
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("::1")));
        assertNull(PeerAddresses.classify(ip("::2:0:0")));
        assertEquals(SpecialRange.LINK_LOCAL, PeerAddresses.classify(ip("fe80::1")));
        assertEquals(SpecialRange.LINK_LOCAL, PeerAddresses.classify(ip("febf:ffff::1")));
        assertNull(PeerAddresses.classify(ip("fec0::1")));
        assertNull(PeerAddresses.classify(ip("fe7f::1")));
        assertEquals(SpecialRange.MULTICAST, PeerAddresses.classify(ip("ff02::1")));
        assertNull(PeerAddresses.classify(ip("2001:db8::1")));
        // IPv6 only: unique-local fc00::/7, Teredo 2001::/32, NAT64 local-use 64:ff9b:1::/48.
        assertNull(PeerAddresses.classify(ip("fbff:ffff::1")));
        assertEquals(SpecialRange.UNIQUE_LOCAL, PeerAddresses.classify(ip("fc00::")));
        assertEquals(SpecialRange.UNIQUE_LOCAL, PeerAddresses.classify(ip("fd12:3456::1")));
        assertEquals(SpecialRange.UNIQUE_LOCAL, PeerAddresses.classify(ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertNull(PeerAddresses.classify(ip("fe00::1")));
        assertEquals(SpecialRange.TEREDO, PeerAddresses.classify(ip("2001::")));
        assertEquals(SpecialRange.TEREDO, PeerAddresses.classify(ip("2001:0:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertNull(PeerAddresses.classify(ip("2001:1::1")));
        assertEquals(SpecialRange.NAT64_LOCAL_USE, PeerAddresses.classify(ip("64:ff9b:1::7f00:1")));
        assertEquals(SpecialRange.NAT64_LOCAL_USE, PeerAddresses.classify(ip("64:ff9b:1:ffff::")));
        assertNull(PeerAddresses.classify(ip("64:ff9b:2::1")));
        assertNull(PeerAddresses.embedding(ip("64:ff9b:1::7f00:1")), "local-use NAT64 is not canonicalised");
        assertNull(PeerAddresses.embedding(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2")), "Teredo is not canonicalised");
        // These ranges have no IPv4 form; an IPv4 address is never classified as one.
        assertNull(SpecialRange.UNIQUE_LOCAL.rangeFor(v4(10, 0, 0, 1)));
        assertEquals("unique-local fc00::/7", SpecialRange.UNIQUE_LOCAL.describe(ip("fd00::1")));
    }

    @Test
    void ipv6OnlySpecialRangesAreNamedOnlyFromWithin() {
        byte[] ula = ip("fd00::5");
        assertFalse(PeerAddresses.admits(Endpoint.parse("::/0"), ula));
        assertFalse(PeerAddresses.admits(Endpoint.parse("fc00::/6"), ula));
        assertTrue(PeerAddresses.admits(Endpoint.parse("fc00::/7"), ula));
        assertTrue(PeerAddresses.admits(Endpoint.parse("fd00::/8"), ula));
        assertTrue(PeerAddresses.admits(Endpoint.parse("fd00::5"), ula));
        byte[] teredo = ip("2001:0:4136:e378:8000:63bf:3fff:fdd2");
        assertFalse(PeerAddresses.admits(Endpoint.parse("2001::/16"), teredo));
        assertTrue(PeerAddresses.admits(Endpoint.parse("2001::/32"), teredo));
        assertFalse(PeerAddresses.admits(Endpoint.parse("64:ff9b::/32"), ip("64:ff9b:1::a00:1")));
        assertTrue(PeerAddresses.admits(Endpoint.parse("64:ff9b:1::/48"), ip("64:ff9b:1::a00:1")));
    }

    @Test
    void embeddedFormsAreClassifiedByTheirIpv4Address() {
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("::ffff:127.0.0.1")));
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("::127.0.0.2")));
        assertEquals(SpecialRange.LOOPBACK, PeerAddresses.classify(ip("2002:7f00:1::")));
        assertEquals(SpecialRange.LINK_LOCAL, PeerAddresses.classify(ip("64:ff9b::169.254.169.254")));
        assertEquals(SpecialRange.UNSPECIFIED, PeerAddresses.classify(ip("::0.0.0.2")));
        assertEquals(SpecialRange.BROADCAST, PeerAddresses.classify(ip("::ffff:255.255.255.255")));
        assertNull(PeerAddresses.classify(ip("::ffff:10.0.0.1")));
        assertEquals("loopback 127.0.0.0/8", SpecialRange.LOOPBACK.describe(v4(127, 0, 0, 1)));
        assertEquals("loopback ::1/128", SpecialRange.LOOPBACK.describe(ip("::1")));
    }

    // ---- explicit naming --------------------------------------------------------------------------------

    @Test
    void onlyEndpointsInsideTheSpecialRangeNameItExplicitly() {
        byte[] lo = ip("127.0.0.1");
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("127.0.0.1"), lo));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("127.0.0.0/8"), lo));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("127.0.0.0/30:<8000-9000>"), lo));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("0.0.0.0/0"), lo), "covering is not naming");
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("64.0.0.0/2"), lo));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("126.0.0.0/7"), lo));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("127.0.0.2"), lo), "does not contain the peer");
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("127.0.0.1"), ip("::ffff:127.0.0.1")), "mapped peer");
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("::ffff:127.0.0.1"), lo), "mapped endpoint");
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("169.254.169.254"), ip("169.254.169.254")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("169.0.0.0/8"), ip("169.254.169.254")));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("255.255.255.255"), ip("255.255.255.255")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("255.255.255.0/24"), ip("255.255.255.255")));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("224.0.0.0/4"), ip("239.1.2.3")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("192.0.0.0/2"), ip("239.1.2.3")));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("0.0.0.0/8"), ip("0.0.0.0")));

        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("::1"), ip("::1")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("::/0"), ip("::1")));
        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("fe80::/10"), ip("fe80::1")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("fe80::/9"), ip("fe80::1")));
        assertFalse(PeerAddresses.explicitlyNamed(Endpoint.parse("0.0.0.0/0"), ip("::1")), "families never cross");

        assertTrue(PeerAddresses.explicitlyNamed(Endpoint.parse("0.0.0.0/0"), ip("8.8.8.8")),
                "ordinary addresses need no explicit naming");
    }

    @Test
    void admitsCombinesContainmentAndTheSpecialRangeRule() {
        assertTrue(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("8.8.8.8")));
        assertTrue(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("::ffff:8.8.8.8")), "mapped ordinary peer");
        assertFalse(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("::ffff:127.0.0.1")));
        assertFalse(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("2002:7f00:1::")));
        assertFalse(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("64:ff9b::a9fe:a9fe")));
        assertFalse(PeerAddresses.admits(Endpoint.parse("0.0.0.0/0"), ip("::127.0.0.1")));
        assertTrue(PeerAddresses.admits(Endpoint.parse("127.0.0.0/8"), ip("2002:7f00:1::")));
        assertFalse(PeerAddresses.admits(Endpoint.parse("10.0.0.0/8"), ip("8.8.8.8")));
    }

    // ---- literal parsing --------------------------------------------------------------------------------

    @Test
    void literalsParseAsWritten() {
        assertArrayEquals(v4(1, 2, 3, 4), ip("1.2.3.4"));
        assertEquals(16, ip("::ffff:1.2.3.4").length, "mapped literal stays 16 bytes");
        assertArrayEquals(new byte[16], ip("::"));
        byte[] one = new byte[16];
        one[15] = 1;
        assertArrayEquals(one, ip("::1"));
        byte[] first = new byte[16];
        first[1] = 1;
        assertArrayEquals(first, ip("1::"));
        assertArrayEquals(new byte[] {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}, ip("1:2:3:4:5:6:7:8"));
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, ip("2001:DB8::1"));
        for (String bad : new String[] {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "01234.1.1.1", "1:2:3:4:5:6:7:8:9",
                "1::2::3", "12345::", ":1", "1:", "fe80::1%eth0", "::1.2.3", "1:2:3:4:5:6:7::8", "g::1", "example.com"}) {
            assertNull(PeerAddresses.parseLiteral(bad), bad);
        }
    }

    // ---- hot path: no allocation for IPv4 ---------------------------------------------------------------

    @Test
    void ipv4ChecksDoNotAllocate() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean bean) || !bean.isThreadAllocatedMemorySupported()) {
            return; // not measurable on this JVM
        }
        byte[] peer = v4(127, 0, 0, 1);
        Endpoint e = Endpoint.parse("127.0.0.0/8");
        int iterations = 200_000;
        int hits = 0;
        // warm up, then measure
        for (int i = 0; i < iterations; i++) {
            hits += PeerAddresses.admits(e, PeerAddresses.canonicalize(peer)) && PeerAddresses.classify(peer) != null ? 1 : 0;
        }
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        for (int i = 0; i < iterations; i++) {
            hits += PeerAddresses.admits(e, PeerAddresses.canonicalize(peer)) && PeerAddresses.classify(peer) != null ? 1 : 0;
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertEquals(2 * iterations, hits);
        // one 4-byte array per call would be >= 16 B x 200k = 3.2 MB; allow measurement noise well below that
        assertTrue(allocated < iterations, "allocated " + allocated + " bytes in " + iterations + " IPv4 checks");
    }
}
