package io.turngate.turn;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceRateLimiterTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private int taken(SourceRateLimiter l, InetAddress a, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (l.tryAcquire(a)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aSourceGetsItsBurstThenTheRate() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(10, 20, clock::get);
        InetAddress a = ip("192.0.2.1");
        assertEquals(20, taken(l, a, 1000), "the burst");
        clock.addAndGet(1_000_000_000L); // one second: 10 more tokens
        assertEquals(10, taken(l, a, 1000));
        clock.addAndGet(100_000_000L); // 0.1 s: one token
        assertEquals(1, taken(l, a, 1000));
        clock.addAndGet(60_000_000_000L); // a minute: refilled to the burst, never beyond
        assertEquals(20, taken(l, a, 1000));
    }

    @Test
    void otherSourcesAreUnaffected() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 5, clock::get);
        InetAddress flooder = ip("192.0.2.1");
        assertEquals(5, taken(l, flooder, 50_000));
        assertTrue(l.tryAcquire(ip("192.0.2.2")));
        assertTrue(l.tryAcquire(ip("2001:db8::1")));
        assertTrue(l.tryAcquire(ip("::192.0.2.1")), "an IPv6 address is not the IPv4 one it embeds");
        assertFalse(l.tryAcquire(flooder));
    }

    @Test
    void tableMemoryIsBoundedAndAFloodOfSourcesDoesNotUnlimitAnActiveOne() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 3, clock::get);
        InetAddress victim = ip("198.51.100.7");
        assertEquals(3, taken(l, victim, 10));
        // Far more sources than slots (spoofed floods): each gets its own burst while it is remembered.
        int slots = SourceRateLimiter.STRIPES * SourceRateLimiter.SLOTS_PER_STRIPE;
        for (int i = 0; i < 4 * slots; i++) {
            byte[] b = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            clock.addAndGet(1); // a nanosecond per datagram: the limit's refill stays far below one token
            l.tryAcquire(InetAddress.getByAddress(b));
            if (i % 1000 == 0) {
                // Seen more recently than all but a few newcomers of its run, its bucket is never the one replaced.
                assertFalse(l.tryAcquire(victim), "the active flooder stays limited while others come and go");
            }
        }
    }

    @Test
    void zeroRateMeansNoLimit() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(0, 0, clock::get);
        assertFalse(l.enabled());
        assertEquals(10_000, taken(l, ip("192.0.2.1"), 10_000));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SourceRateLimiter(-1, 10, clock::get));
        assertThrows(IllegalArgumentException.class, () -> new SourceRateLimiter(10, 0.5, clock::get));
    }
}
