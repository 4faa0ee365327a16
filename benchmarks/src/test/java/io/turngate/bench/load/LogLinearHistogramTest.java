package io.turngate.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLinearHistogramTest {

    @Test
    void everyValueLandsInTheBucketWhoseBoundsContainIt() {
        long[] samples = {0, 1, 127, 128, 129, 255, 256, 1000, 65_535, 1_000_000, 123_456_789, Long.MAX_VALUE};
        for (long v : samples) {
            int i = LogLinearHistogram.index(v);
            long lo = LogLinearHistogram.lowerBound(i);
            long width = LogLinearHistogram.width(i);
            assertTrue(lo <= v && v - lo < width, v + " in bucket " + i + " [" + lo + ", +" + width + ")");
            assertTrue(i < LogLinearHistogram.BUCKETS, "index " + i);
        }
        for (int i = 1; i < LogLinearHistogram.BUCKETS; i++) {
            assertEquals(i, LogLinearHistogram.index(LogLinearHistogram.lowerBound(i)), "bucket " + i);
        }
    }

    @Test
    void percentilesOfUniformValuesAreWithinOnePercent() {
        LogLinearHistogram h = new LogLinearHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1000);
        }
        assertEquals(100_000, h.count());
        assertEquals(1000, h.min());
        assertEquals(100_000_000, h.max());
        assertEquals(50_000_500.0, h.mean(), 1e-6);
        assertWithin(50_000_000, h.valueAt(0.5));
        assertWithin(99_000_000, h.valueAt(0.99));
        assertWithin(99_900_000, h.valueAt(0.999));
        assertEquals(1000, h.valueAt(0.0), "q=0 is the minimum");
        assertEquals(100_000_000, h.valueAt(1.0));
    }

    @Test
    void mergedHistogramEqualsOneFedWithEverything() {
        LogLinearHistogram a = new LogLinearHistogram();
        LogLinearHistogram b = new LogLinearHistogram();
        LogLinearHistogram all = new LogLinearHistogram();
        for (int i = 0; i < 5000; i++) {
            long v = (i * 7919L) % 3_000_000;
            (i % 2 == 0 ? a : b).record(v);
            all.record(v);
        }
        a.add(b);
        assertEquals(all.count(), a.count());
        assertEquals(all.min(), a.min());
        assertEquals(all.max(), a.max());
        for (double q : new double[] {0.1, 0.5, 0.9, 0.99, 0.999}) {
            assertEquals(all.valueAt(q), a.valueAt(q), "q=" + q);
        }
    }

    @Test
    void emptyAndResetHistogramsReportZero() {
        LogLinearHistogram h = new LogLinearHistogram();
        assertEquals(0, h.valueAt(0.99));
        h.record(-5);
        h.record(42);
        assertEquals(0, h.min());
        h.reset();
        assertEquals(0, h.count());
        assertEquals(0, h.max());
        assertEquals(0.0, h.mean());
        assertThrows(IllegalArgumentException.class, () -> h.valueAt(1.5));
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 100, "expected ~" + expected + " (±1%), got " + actual);
    }
}
