package io.turngate.turn;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * A token bucket per source IP address for the answers turngate sends to clients that have not authenticated (the
 * 401 challenge, 438 and the 400s of the auth path, 400 for a malformed request). Without it a spoofed flood of
 * unauthenticated Allocates makes the gateway reflect every request, each answer larger than the request, at the
 * victim. With it a source gets at most {@code burst + rate × t} such answers in {@code t} seconds; the rest are
 * dropped (and counted by the caller). Legitimate clients from other addresses keep their own buckets.
 *
 * <p>Memory is fixed: {@value #STRIPES} stripes of {@value #SLOTS_PER_STRIPE} slots (1 MiB) whatever the
 * number of sources. A source hashes to one stripe and to a run of {@value #PROBE} slots in it; when all are taken
 * by other sources, the one seen least recently is replaced, so a table full of spoofed sources loses old buckets,
 * never its bound. A replaced source starts again with a full bucket.
 *
 * <p>Thread-safe: event loops share one limiter; each stripe has its own lock, held for a few loads and stores.
 */
public final class SourceRateLimiter {
    static final int STRIPES = 64;
    static final int SLOTS_PER_STRIPE = 512;
    static final int PROBE = 8;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Stripe[] stripes = new Stripe[STRIPES];

    /**
     * @param ratePerSecond tokens added per second; 0 turns the limit off
     * @param burst         bucket size (answers a quiet source may get at once), at least 1 when the limit is on
     */
    public SourceRateLimiter(double ratePerSecond, double burst, LongSupplier nanoClock) {
        if (ratePerSecond < 0 || (ratePerSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("rate " + ratePerSecond + ", burst " + burst
                    + " (expected: rate >= 0, burst >= 1)");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** No limit at all. */
    public static SourceRateLimiter unlimited() {
        return new SourceRateLimiter(0, 0, System::nanoTime);
    }

    public boolean enabled() {
        return ratePerSecond > 0;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public double burst() {
        return burst;
    }

    /** Takes one token for {@code source}; false when its bucket is empty (do not answer). */
    public boolean tryAcquire(InetAddress source) {
        if (ratePerSecond <= 0) {
            return true;
        }
        byte[] a = source.getAddress();
        long high = 0;
        long low = 0;
        if (a.length == 4) {
            low = ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
            high = 0x4L << 60; // tells an IPv4 key from the IPv6 address ::a.b.c.d
        } else {
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (a[i] & 0xFF);
                low = (low << 8) | (a[8 + i] & 0xFF);
            }
        }
        long h = mix(high * 31 + low);
        Stripe s = stripes[(int) (h >>> 58) & (STRIPES - 1)];
        int start = (int) h & (SLOTS_PER_STRIPE - 1);
        long now = nanoClock.getAsLong();
        synchronized (s) {
            return s.take(high, low, start, now, this);
        }
    }

    private static long mix(long x) { // splitmix64 finaliser
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    private static final class Stripe {
        final long[] keyHigh = new long[SLOTS_PER_STRIPE];
        final long[] keyLow = new long[SLOTS_PER_STRIPE];
        final double[] tokens = new double[SLOTS_PER_STRIPE];
        /** Last refill time; 0 = free slot (a clock reading of exactly 0 is treated as 1). */
        final long[] seen = new long[SLOTS_PER_STRIPE];

        boolean take(long high, long low, int start, long now, SourceRateLimiter l) {
            int free = -1;
            int oldest = -1;
            long oldestAge = -1;
            for (int p = 0; p < PROBE; p++) {
                int i = (start + p) & (SLOTS_PER_STRIPE - 1);
                if (seen[i] == 0) {
                    if (free < 0) {
                        free = i;
                    }
                    continue;
                }
                if (keyHigh[i] == high && keyLow[i] == low) {
                    double t = Math.min(l.burst, tokens[i] + (now - seen[i]) * l.ratePerSecond / NANOS_PER_SECOND);
                    seen[i] = now == 0 ? 1 : now;
                    if (t < 1) {
                        tokens[i] = t;
                        return false;
                    }
                    tokens[i] = t - 1;
                    return true;
                }
                long age = now - seen[i];
                if (age > oldestAge) {
                    oldestAge = age;
                    oldest = i;
                }
            }
            int slot = free >= 0 ? free : oldest;
            keyHigh[slot] = high;
            keyLow[slot] = low;
            tokens[slot] = l.burst - 1;
            seen[slot] = now == 0 ? 1 : now;
            return true;
        }
    }
}
