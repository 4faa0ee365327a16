package io.turngate.bench.load;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's histograms: HdrHistogram {@link Histogram}s of nanoseconds, and their conversion to the
 * JSON's {@link LoadResult.Rtt}. Every latency of the generator (RTT, Allocate and bind times) goes through here, so
 * there is one histogram implementation and one rounding rule.
 *
 * <p>A {@link Histogram} of a fixed range never resizes, so {@link #record} neither allocates nor fails on the event
 * loop: a value outside the range is clamped to it (the range is far beyond anything a run can measure).
 *
 * <p>Not thread-safe (HdrHistogram's {@code Histogram} is not): each event loop owns its histograms and hands
 * copies to the main thread ({@link Worker#snapshot}).
 */
final class Histograms {

    /** Largest value of a run's histograms: longer than any run (1 h) plus its drain. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(2);
    /** Significant digits of a run's histograms: a reported value is within 0.1 % of the recorded one. */
    static final int DIGITS = 3;
    /**
     * Largest value of a timeline window's histogram ({@code --timeline}): a probe that took longer is counted at
     * this value.
     */
    static final long WINDOW_HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Significant digits of a timeline window (1 %): windows are many, and their p99 is read, not compared to 0.1 %. */
    static final int WINDOW_DIGITS = 2;

    private Histograms() {
    }

    /** A run's histogram: 1 ns .. 2 h, 3 significant digits (about 270 KiB). */
    static Histogram run() {
        return new Histogram(1, HIGHEST_NANOS, DIGITS);
    }

    /** A timeline window's histogram: 1 ns .. 1 min, 2 significant digits (about 30 KiB). */
    static Histogram window() {
        return new Histogram(1, WINDOW_HIGHEST_NANOS, WINDOW_DIGITS);
    }

    /** Records {@code nanos}, clamped to 0 .. the histogram's highest trackable value. */
    static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(nanos, h.getHighestTrackableValue())));
    }

    /** Value at percentile {@code p} (0..100) in nanoseconds; 0 when empty, the exact max at 100. */
    static long at(Histogram h, double p) {
        if (h.getTotalCount() == 0) {
            return 0;
        }
        return p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
    }

    /** p50, p90, p99, p99.9 and max of {@code h} (nanoseconds) in microseconds, as the JSON reports them. */
    static LoadResult.Rtt micros(Histogram h) {
        boolean empty = h.getTotalCount() == 0;
        return new LoadResult.Rtt(h.getTotalCount(), empty ? 0 : us(h.getMinValue()),
                empty ? 0 : LoadGenerator.round(h.getMean() / 1e3), us(at(h, 50)), us(at(h, 90)), us(at(h, 99)),
                us(at(h, 99.9)), us(at(h, 100)));
    }

    /** Milliseconds at percentile {@code p}, rounded as the JSON's handshake times. */
    static double millis(Histogram h, double p) {
        return LoadGenerator.round(at(h, p) / 1e6);
    }

    /**
     * The timeline of a run ({@code --timeline}): window {@code i} of the result adds window {@code i} of every list
     * (one list per worker; a missing or null entry is an empty window).
     *
     * @param windowNanos   length of one window
     * @param originSeconds where window 0 begins, in seconds after the timeline's origin (e.g. the server's
     *                      {@code /ready})
     * @param maxWindows    windows the measured window covers: later ones (probes intended in the moment between
     *                      the window's end and the stop of the sending) are left out
     */
    static List<LoadResult.Window> timeline(List<List<Histogram>> perWorker, long windowNanos, double originSeconds,
                                            int maxWindows) {
        int n = 0;
        for (List<Histogram> l : perWorker) {
            n = Math.max(n, l.size());
        }
        n = Math.min(n, maxWindows);
        List<LoadResult.Window> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Histogram sum = window();
            for (List<Histogram> l : perWorker) {
                if (i < l.size() && l.get(i) != null) {
                    sum.add(l.get(i));
                }
            }
            LoadResult.Rtt r = micros(sum);
            out.add(new LoadResult.Window(LoadGenerator.round(originSeconds + i * windowNanos / 1e9), r.count(),
                    r.p50(), r.p99(), r.p999(), r.max()));
        }
        return out;
    }

    private static double us(long nanos) {
        return LoadGenerator.round(nanos / 1e3);
    }
}
