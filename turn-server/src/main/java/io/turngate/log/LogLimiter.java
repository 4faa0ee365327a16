package io.turngate.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds how often one kind of per-packet or per-request log line is written, so a flood cannot drown the log: at
 * most {@code perSecond} lines per one-second window; the lines beyond that are counted and the next line that
 * passes says how many were suppressed. One limiter per call site (a {@code static final} field or one per
 * listener); thread-safe and allocation-free (two atomics), so event loops may share it.
 *
 * <pre>{@code
 * long suppressed = DENIED.acquire();
 * if (suppressed >= 0) LOG.info("permission denied ...{}", LogLimiter.suffix(suppressed));
 * }</pre>
 */
public final class LogLimiter {
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int perSecond;
    private final LongSupplier nanoClock;
    /** Start of the current window. */
    private final AtomicLong windowStart;
    /** Lines passed in the current window (low 32 bits) and suppressed since the last line passed (high 32 bits). */
    private final AtomicLong state = new AtomicLong();

    public LogLimiter(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    public LogLimiter(int perSecond, LongSupplier nanoClock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond " + perSecond + " (expected: 1 or more)");
        }
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.windowStart = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Asks to write one line.
     *
     * @return {@code -1} when the line must be dropped (it is counted), else how many lines were suppressed since the
     *         last one that passed (usually 0)
     */
    public long acquire() {
        long now = nanoClock.getAsLong();
        long start = windowStart.get();
        if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
            // New window: keep the suppressed count, reset the passed count.
            long s;
            do {
                s = state.get();
            } while (!state.compareAndSet(s, s & 0xFFFF_FFFF_0000_0000L));
        }
        while (true) {
            long s = state.get();
            int passed = (int) s;
            long suppressed = s >>> 32;
            if (passed >= perSecond) {
                if (suppressed < 0xFFFF_FFFFL && state.compareAndSet(s, ((suppressed + 1) << 32) | passed)) {
                    return -1;
                } else if (suppressed >= 0xFFFF_FFFFL) {
                    return -1;
                }
            } else if (state.compareAndSet(s, passed + 1)) {
                return suppressed;
            }
        }
    }

    /** {@code ""}, or {@code " (N similar lines suppressed)"} for the count {@link #acquire} returned. */
    public static String suffix(long suppressed) {
        return suppressed <= 0 ? "" : " (" + suppressed + " similar line" + (suppressed == 1 ? "" : "s") + " suppressed)";
    }
}
