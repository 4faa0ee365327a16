package io.turngate.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@link SenderCache} and {@link RecipientCache}: the address tables of turngate's epoll datagram channel. */
class AddressCachesTest {

    /** What recvmmsg writes into a NativeDatagramPacket's 16-byte sender array for an IPv4 sender. */
    private static byte[] v4(int a, int b, int c, int d) {
        byte[] raw = new byte[16];
        raw[0] = (byte) a;
        raw[1] = (byte) b;
        raw[2] = (byte) c;
        raw[3] = (byte) d;
        Arrays.fill(raw, 4, 16, (byte) 0x5A); // whatever an earlier, longer address left behind
        return raw;
    }

    @Test
    void aSenderSeenAgainIsTheSameInstanceAndEqualToTheAddressNettyWouldHaveMade() throws Exception {
        SenderCache cache = new SenderCache(16, 1024);
        InetSocketAddress first = cache.get(v4(192, 0, 2, 7), 4, 40000, 0);
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40000), first);
        assertTrue(first.getAddress() instanceof Inet4Address);
        assertSame(first, cache.get(v4(192, 0, 2, 7), 4, 40000, 99)); // the scope means nothing for IPv4
        assertEquals(1, cache.misses());
        assertNotEquals(first, cache.get(v4(192, 0, 2, 7), 4, 40001, 0), "another port");
        assertNotEquals(first, cache.get(v4(192, 0, 2, 8), 4, 40000, 0), "another address");
        assertEquals(3, cache.size());
    }

    @Test
    void ipv6SendersKeepTheirScopeAndAreNotConfusedWithIpv4() throws Exception {
        SenderCache cache = new SenderCache(16, 1024);
        byte[] raw = InetAddress.getByName("fe80::1").getAddress();
        InetSocketAddress scoped = cache.get(raw, 16, 5000, 2);
        assertTrue(scoped.getAddress() instanceof Inet6Address);
        assertEquals(2, ((Inet6Address) scoped.getAddress()).getScopeId());
        assertNotSame(scoped, cache.get(raw, 16, 5000, 3));
        assertSame(scoped, cache.get(raw.clone(), 16, 5000, 2));
        byte[] first4 = Arrays.copyOf(raw, 16);
        assertNotEquals(scoped, cache.get(first4, 4, 5000, 2), "the same first 4 bytes as IPv4 are another sender");
    }

    @Test
    void theTableGrowsKeepingItsEntriesAndStartsAgainWhenFullAtItsMaximum() {
        SenderCache cache = new SenderCache(4, 64);
        InetSocketAddress[] seen = new InetSocketAddress[48];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = cache.get(v4(10, 0, i >> 8, i), 4, 3478, 0);
        }
        assertEquals(64, cache.capacity());
        assertEquals(48, cache.size());
        for (int i = 0; i < seen.length; i++) {
            assertSame(seen[i], cache.get(v4(10, 0, i >> 8, i), 4, 3478, 0), "entry " + i + " after growing");
        }
        assertEquals(48, cache.misses());
        cache.get(v4(10, 1, 0, 0), 4, 3478, 0); // the 49th: over 3/4 of the maximum, so the table starts again
        assertEquals(1, cache.size());
        assertEquals(64, cache.capacity());
        assertNotSame(seen[0], cache.get(v4(10, 0, 0, 0), 4, 3478, 0));
        assertEquals(2, cache.size());
    }

    @Test
    void capacitiesMustBePowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new SenderCache(3, 64));
        assertThrows(IllegalArgumentException.class, () -> new SenderCache(128, 64));
        assertThrows(IllegalArgumentException.class, () -> new RecipientCache(16, 100));
    }

    @Test
    void aRecipientsRawFormIsTheIpv4MappedAddressNettyPassesToTheKernel() throws Exception {
        RecipientCache cache = new RecipientCache(16, 1024);
        InetSocketAddress to = new InetSocketAddress("198.51.100.9", 1234);
        int slot = cache.slot(to);
        byte[] raw = Arrays.copyOfRange(cache.addresses(), slot * 16, slot * 16 + 16);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 198, 51, 100, 9}, raw);
        assertEquals(0, cache.scope(slot));
        assertEquals(slot, cache.slot(to));
        assertEquals(1, cache.misses());
    }

    @Test
    void ipv6RecipientsKeepTheirBytesAndScope() throws Exception {
        RecipientCache cache = new RecipientCache(16, 1024);
        Inet6Address ip = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::2").getAddress(), 5);
        int slot = cache.slot(new InetSocketAddress(ip, 9));
        assertArrayEquals(ip.getAddress(), Arrays.copyOfRange(cache.addresses(), slot * 16, slot * 16 + 16));
        assertEquals(5, cache.scope(slot));
    }

    @Test
    void recipientsAreKeyedByIdentityAndSurviveGrowthUntilTheMaximumIsFull() throws Exception {
        RecipientCache cache = new RecipientCache(4, 64);
        InetSocketAddress a = new InetSocketAddress("192.0.2.1", 1);
        InetSocketAddress equalToA = new InetSocketAddress("192.0.2.1", 1);
        assertNotEquals(cache.slot(a), cache.slot(equalToA), "an equal but distinct instance gets its own slot");
        InetSocketAddress[] many = new InetSocketAddress[46];
        for (int i = 0; i < many.length; i++) {
            many[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 9, 0, (byte) i}), 7000 + i);
            cache.slot(many[i]);
        }
        assertEquals(48, cache.size());
        for (int i = 0; i < many.length; i++) {
            int slot = cache.slot(many[i]);
            assertEquals((byte) i, cache.addresses()[slot * 16 + 15], "entry " + i + " after growing");
        }
        assertEquals(48, cache.misses());
        cache.slot(new InetSocketAddress("192.0.2.99", 1)); // over 3/4 of the maximum: starts again
        assertEquals(1, cache.size());
    }
}
