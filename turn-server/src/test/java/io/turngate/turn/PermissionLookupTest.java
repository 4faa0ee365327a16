package io.turngate.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.turngate.config.route.PeerAddresses;
import io.turngate.stun.TransactionId;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The allocation-free permission lookups of the hot path (RFC 8656 §9, §10.2): IPv6 peers of Send indications given
 * as two longs, IPv4 embedded in IPv6 found as the IPv4 permission exactly as CreatePermission canonicalises it, and
 * the per-permission cache of peer socket addresses.
 */
class PermissionLookupTest {
    private static final long NOW = 1_000_000_000L;

    private static Allocation allocation() {
        return new Allocation(new InetSocketAddress("127.0.0.1", 40000), null, new InetSocketAddress("::1", 50000),
                "user-1", TransactionId.random(), new byte[0], NOW + TimeUnit.SECONDS.toNanos(600));
    }

    /** The 16 bytes of an IPv6 literal (Java folds {@code ::ffff:a.b.c.d} to IPv4; unfold it). */
    private static byte[] sixteen(String literal) throws Exception {
        byte[] b = InetAddress.getByName(literal).getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }

    private static long high(byte[] a) {
        return ByteBuffer.wrap(a).getLong(0);
    }

    private static long low(byte[] a) {
        return ByteBuffer.wrap(a).getLong(8);
    }

    @Test
    void embeddedIpv4AgreesWithPeerAddressesCanonicalize() throws Exception {
        List<String> fixed = List.of("::ffff:1.2.3.4", "::ffff:0.0.0.0", "::1.2.3.4", "::0.0.0.2", "::", "::1",
                "2002:102:304::1", "2002::", "64:ff9b::1.2.3.4", "64:ff9b:1::1.2.3.4", "64:ff9b::1:0:1.2.3.4",
                "2001:db8::1", "fe80::1", "::1:ffff:1.2.3.4", "::ff:1.2.3.4", "ff02::1");
        for (String s : fixed) {
            check(sixteen(s), s);
        }
        Random rnd = new Random(42);
        byte[][] prefixes = {{}, {0x20, 0x02}, {0x00, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0},
                {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
        for (int i = 0; i < 5000; i++) {
            byte[] a = new byte[16];
            rnd.nextBytes(a);
            byte[] p = prefixes[i % prefixes.length];
            System.arraycopy(p, 0, a, 0, p.length);
            check(a, "random address " + i);
        }
    }

    private static void check(byte[] addr, String what) {
        byte[] canonical = PeerAddresses.canonicalize(addr);
        long expected = canonical.length == 4 ? PeerAddresses.ipv4AsInt(canonical, 0) & 0xFFFF_FFFFL : -1;
        assertEquals(expected, Allocation.embeddedIpv4(high(addr), low(addr)), what);
    }

    @Test
    void ipv6PermissionIsFoundByItsTwoLongsUntilItExpires() throws Exception {
        Allocation a = allocation();
        byte[] peer = sixteen("2001:db8::7");
        assertNull(a.permissionV6(high(peer), low(peer)));
        Permission p = a.permit(InetAddress.getByAddress(peer), false, NOW);
        assertSame(p, a.permissionV6(high(peer), low(peer)));
        assertSame(p, a.permission(InetAddress.getByAddress(peer)));
        byte[] other = sixteen("2001:db8::8");
        assertNull(a.permissionV6(high(other), low(other)));

        a.sweep(NOW + TimeUnit.SECONDS.toNanos(Permission.LIFETIME_SECONDS) + 1);
        assertNull(a.permissionV6(high(peer), low(peer)), "expired permission still found");
        assertEquals(0, a.permissionCount());
    }

    @Test
    void embeddedIpv4InASendIndicationFindsTheIpv4Permission() throws Exception {
        Allocation a = allocation();
        Permission p = a.permit(InetAddress.getByName("192.0.2.10"), false, NOW);
        for (String form : List.of("::ffff:192.0.2.10", "::192.0.2.10", "2002:c000:20a::", "64:ff9b::192.0.2.10")) {
            byte[] b = sixteen(form);
            assertSame(p, a.permissionV6(high(b), low(b)), form);
        }
    }

    @Test
    void collidingIpv6KeysAreChainedAndRemovedIndependently() throws Exception {
        long h1 = 0x2001_0db8_0000_0001L;
        long l1 = 0x0000_0000_0000_0042L;
        long h2 = h1 + 1;
        long l2 = l1 - 0x9E37_79B9_7F4A_7C15L;
        assertEquals(Allocation.v6Key(h1, l1), Allocation.v6Key(h2, l2), "test premise: the two keys collide");
        InetAddress first = InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(h1).putLong(l1).array());
        InetAddress second = InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(h2).putLong(l2).array());

        Allocation a = allocation();
        Permission p1 = a.permit(first, false, NOW);
        Permission p2 = a.permit(second, false, NOW + TimeUnit.SECONDS.toNanos(100));
        assertSame(p1, a.permissionV6(h1, l1));
        assertSame(p2, a.permissionV6(h2, l2));

        a.sweep(NOW + TimeUnit.SECONDS.toNanos(Permission.LIFETIME_SECONDS) + 1); // p1 expires, p2 lives
        assertNull(a.permissionV6(h1, l1));
        assertSame(p2, a.permissionV6(h2, l2));

        Permission again = a.permit(first, false, NOW + TimeUnit.SECONDS.toNanos(Permission.LIFETIME_SECONDS + 2));
        assertNotSame(p1, again);
        assertSame(again, a.permissionV6(h1, l1));
        assertSame(p2, a.permissionV6(h2, l2));
    }

    @Test
    void peerSocketAddressesAreCachedPerPortForRtpAndRtcp() throws Exception {
        Permission p = allocation().permit(InetAddress.getByName("192.0.2.10"), false, NOW);
        InetSocketAddress rtp = p.socketAddress(5000);
        InetSocketAddress rtcp = p.socketAddress(5001);
        assertEquals(new InetSocketAddress("192.0.2.10", 5000), rtp);
        assertEquals(new InetSocketAddress("192.0.2.10", 5001), rtcp);
        for (int i = 0; i < 10; i++) {
            assertSame(rtp, p.socketAddress(5000));
            assertSame(rtcp, p.socketAddress(5001));
        }
        InetSocketAddress evicting = p.socketAddress(5008); // same slot as 5000
        assertNotNull(evicting);
        assertEquals(5000, p.socketAddress(5000).getPort());
    }
}
