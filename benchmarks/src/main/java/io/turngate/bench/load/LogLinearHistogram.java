package io.turngate.bench.load;

import java.util.Arrays;

/**
 * Fixed-bucket log-linear histogram of non-negative {@code long} values (nanoseconds here), in the spirit of
 * HdrHistogram but with one flat {@code long[]} and no dependency.
 *
 * <p>Values below {@value #SUB_BUCKETS} get one bucket each. Above that, every power of two is split into
 * {@value #SUB_BUCKETS} equal sub-buckets, so a reported value is within {@code 1/}{@value #SUB_BUCKETS}
 * (about 0.8 %) of the recorded one. The array covers the whole {@code long} range (7,296 buckets, 57 KiB),
 * so {@link #record(long)} never fails and never allocates.
 *
 * <p>Not thread-safe: each event loop owns one histogram; results are combined with {@link #add(LogLinearHistogram)}
 * after the owning loop has handed it over.
 */
public final class LogLinearHistogram {

    /** log2 of the number of linear sub-buckets per power of two. */
    static final int SUB_BITS = 7;
    /** Linear sub-buckets per power of two (and the count of exact buckets at the bottom). */
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Bucket count: the exact range plus one row of sub-buckets per possible shift (0..55). */
    static final int BUCKETS = SUB_BUCKETS + (63 - SUB_BITS) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /** Index of the bucket holding {@code value}; negative values land in bucket 0. */
    static int index(long value) {
        if (value < SUB_BUCKETS) {
            return value < 0 ? 0 : (int) value;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(value);
        int shift = magnitude - SUB_BITS;
        int sub = (int) (value >>> shift) - SUB_BUCKETS;
        return SUB_BUCKETS + shift * SUB_BUCKETS + sub;
    }

    /** Smallest value that maps to bucket {@code index}. */
    static long lowerBound(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = (index - SUB_BUCKETS) / SUB_BUCKETS;
        int sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
        return ((long) (SUB_BUCKETS + sub)) << shift;
    }

    /** Number of distinct values that map to bucket {@code index}. */
    static long width(int index) {
        return index < SUB_BUCKETS ? 1 : 1L << ((index - SUB_BUCKETS) / SUB_BUCKETS);
    }

    /** Records one value (negative values count as 0). */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        count++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every count of {@code other} to this histogram. */
    public void add(LogLinearHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Forgets every recorded value. */
    public void reset() {
        Arrays.fill(counts, 0);
        count = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
    }

    public long count() {
        return count;
    }

    /** Smallest recorded value, or 0 when empty. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** Largest recorded value, or 0 when empty. */
    public long max() {
        return count == 0 ? 0 : max;
    }

    /** Exact arithmetic mean, or 0 when empty. */
    public double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /**
     * Value at quantile {@code q} (0..1): the middle of the bucket that holds the {@code ceil(q * count)}-th
     * smallest value, clamped to [min, max]; exactly min for 0 and max for 1. Returns 0 when empty.
     */
    public long valueAt(double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("quantile: found " + q + " (expected: 0..1)");
        }
        if (count == 0) {
            return 0;
        }
        if (q == 0) {
            return min;
        }
        if (q == 1) {
            return max;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.min(max, Math.max(min, mid));
            }
        }
        return max;
    }
}
