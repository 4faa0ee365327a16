package io.turngate.bench.load;

import io.netty.channel.embedded.EmbeddedChannel;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixed-rate mode's correction for coordinated omission ({@link Worker}): the schedule's intended send times,
 * the catch-up after a stall that skips nothing, and the two RTT histograms.
 */
class CoordinatedOmissionTest {

    /** 20,000 probes/s on one worker: one probe due every 50 µs. */
    private static final double PER_NANOS = 20_000 / 1e9;
    private static final long TICK = 100_000;

    private static Worker worker(EmbeddedChannel ch) {
        RunSettings settings = new RunSettings(new InetSocketAddress("127.0.0.1", 3478), "u", "p",
                RunSettings.Mode.CHANNEL, 100, 20_000, 8, 1, TICK / 1000, 200, 500, 6, 0, false,
                RunSettings.Transport.UDP);
        return new Worker(0, ch.eventLoop(), settings);
    }

    @Test
    void aProbeIsIntendedForTheFirstTickAtOrAfterItFallsDue() {
        // probe k falls due at (k + 1) * 50 µs; ticks every 100 µs from the start (1,000 ns here)
        assertEquals(1_000 + 100_000, Worker.intendedNanos(1_000, PER_NANOS, TICK, 0)); // due 50 µs
        assertEquals(1_000 + 100_000, Worker.intendedNanos(1_000, PER_NANOS, TICK, 1)); // due 100 µs
        assertEquals(1_000 + 200_000, Worker.intendedNanos(1_000, PER_NANOS, TICK, 2)); // due 150 µs
        assertEquals(1_000 + 1_000_000_000L, Worker.intendedNanos(1_000, PER_NANOS, TICK, 19_999)); // due 1 s
    }

    @Test
    void afterAStallTheBacklogIsSentTenMillisecondsWorthPerTickAndNothingIsSkipped() {
        // 50 ms without a tick: 1,000 probes are due; each tick sends at most 10 ms worth (200)
        long scheduled = 0;
        int ticks = 0;
        for (long due; (due = Worker.dueNow(50_000_000, PER_NANOS, scheduled)) > 0; ticks++) {
            assertTrue(due <= 200, "at most 10 ms worth per tick, found " + due);
            scheduled += due;
        }
        assertEquals(1_000, scheduled, "every probe of the schedule is sent");
        assertEquals(5, ticks);
        assertEquals(0, Worker.dueNow(50_000_000, PER_NANOS, 1_000), "caught up");
        assertEquals(1, Worker.dueNow(50_050_000, PER_NANOS, 1_000), "then one every 50 µs again");
    }

    @Test
    void aLateSendCountsInTheCorrectedHistogramOnlyAndInTheWindowItWasIntendedFor() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Worker w = worker(ch);
        w.startEpoch(Worker.EPOCH_MEASURE, Long.MAX_VALUE, 1_000_000_000L);
        long t0 = w.scheduleStartNanos();
        // 99 probes sent on time (RTT 60 µs), then one intended at 1.5 s that left 40 ms late (RTT 60 µs on the wire)
        for (int i = 0; i < 99; i++) {
            long intended = t0 + i * 1_000_000L;
            w.recordRtt(intended + 60_000, intended, intended);
        }
        long intended = t0 + 1_500_000_000L;
        long sent = intended + 40_000_000L;
        w.recordRtt(sent + 60_000, sent, intended);

        assertEquals(100, w.rtt.getTotalCount());
        assertEquals(100, w.rttCorrected.getTotalCount());
        assertEquals(60_000, w.rtt.getMaxValue(), 60, "on the wire every probe took 60 µs");
        assertEquals(40_060_000, w.rttCorrected.getMaxValue(), 40_060, "corrected: the 40 ms wait counts");
        assertEquals(60_000, Histograms.at(w.rttCorrected, 50), 60);

        assertEquals(1, Histograms.timeline(List.of(w.timeline), 1_000_000_000L, 2.5, 1).size(),
                "windows after the measured window are left out");
        List<LoadResult.Window> tl = Histograms.timeline(List.of(w.timeline), 1_000_000_000L, 2.5, 2);
        assertEquals(2, tl.size());
        assertEquals(2.5, tl.get(0).startSeconds());
        assertEquals(99, tl.get(0).count());
        assertEquals(60, tl.get(0).max(), 1);
        assertEquals(3.5, tl.get(1).startSeconds());
        assertEquals(1, tl.get(1).count(), "the late probe is in the window of its intended send time");
        assertEquals(40_060, tl.get(1).p99(), 40_060 * 0.01);
        ch.finishAndReleaseAll();
    }

    @Test
    void withoutATimelineNoWindowIsKept() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Worker w = worker(ch);
        w.startEpoch(Worker.EPOCH_MEASURE, Long.MAX_VALUE);
        long t = w.scheduleStartNanos();
        w.recordRtt(t + 1_000, t, t);
        assertTrue(w.timeline.isEmpty());
        assertNull(w.snapshot(false).rtt(), "a counters-only snapshot copies no histogram");
        Histogram copy = w.snapshot(true).rttCorrected();
        assertEquals(1, copy.getTotalCount());
        ch.finishAndReleaseAll();
    }

    @Test
    void valuesBeyondTheRangeAreClampedNotThrown() {
        Histogram h = Histograms.window();
        Histograms.record(h, Long.MAX_VALUE);
        Histograms.record(h, -5);
        assertEquals(2, h.getTotalCount());
        assertEquals(0, h.getMinValue());
        assertTrue(h.getMaxValue() >= Histograms.WINDOW_HIGHEST_NANOS);
        LoadResult.Rtt empty = Histograms.micros(Histograms.run());
        assertEquals(0, empty.count());
        assertEquals(0, empty.p99());
        assertEquals(0, empty.max());
    }
}
