package io.turngate.bench.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's verdict rules and its parsers of jcmd and Prometheus output, without a server. */
class SoakReportTest {

    private static final Set<String> ALL = Soak.RULES;
    /** 1,000 allocations, warm-up 30 s; fds +max(16, 2 %), threads +4, heap +10 %, loss 1 %, allocations ± 50. */
    private static final SoakReport.Rules RULES = new SoakReport.Rules(30, 16, 2, 4, 10, 1, 1000, 50);

    /** A reading at {@code t} s with the given fds, threads and heap; 5,000 probes sent, 4,990 back. */
    private static SoakReport.Sample sample(double t, long fds, long threads, long heapKb) {
        return new SoakReport.Sample(t, heapKb, 200_000, fds, threads, 5000, 4990, 10, 1003, 4 << 20, 12,
                (long) (t / 10), (long) (t / 10), 0, 0, 0, 0, 0);
    }

    /** Readings every 15 s up to 120 s: flat, except as {@code vary} says. */
    private static List<SoakReport.Sample> series(java.util.function.IntFunction<SoakReport.Sample> vary) {
        List<SoakReport.Sample> out = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            out.add(vary.apply(i));
        }
        return out;
    }

    private static SoakReport.Check check(SoakReport.Verdict v, String name) {
        return v.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void flatFiguresAreFlat() {
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, 1030 + i % 3, 27, 15_000 + 100 * (i % 2))),
                RULES, ALL);
        assertTrue(v.flat(), v.line());
        for (SoakReport.Check c : v.checks()) {
            assertEquals(SoakReport.Status.PASS, c.status(), c.toString());
        }
    }

    @Test
    void oneDescriptorLeakedPerChurnedAllocationIsNotFlat() {
        // 20 allocations/s churned, one fd each kept: +300 per 15 s reading.
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, 1030 + 300L * i, 27, 15_000)), RULES, ALL);
        assertFalse(v.flat());
        assertEquals(SoakReport.Status.FAIL, check(v, "fds").status());
        assertEquals(SoakReport.Status.PASS, check(v, "threads").status());
    }

    @Test
    void growthWithinTheSlackIsFlat() {
        // +21 fds (2 % of 1030 beats the constant slack of 16) and +4 threads.
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, i == 8 ? 1051 : 1030, i == 8 ? 31 : 27,
                15_000)), RULES, ALL);
        assertTrue(v.flat(), v.line());
        SoakReport.Verdict over = SoakReport.judge(series(i -> sample(15 * i, i == 8 ? 1052 : 1030, 27, 15_000)),
                RULES, ALL);
        assertEquals(SoakReport.Status.FAIL, check(over, "fds").status());
        SoakReport.Verdict threads = SoakReport.judge(series(i -> sample(15 * i, 1030, i == 8 ? 32 : 27, 15_000)),
                RULES, ALL);
        assertEquals(SoakReport.Status.FAIL, check(threads, "threads").status());
    }

    @Test
    void readingsDuringTheWarmUpAreNotJudged() {
        // Huge fd and thread counts at 15 s (before the 30 s warm-up ends) do not count; 30 s is the baseline.
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, i == 1 ? 5 : 1030, i == 1 ? 3 : 27,
                15_000)), RULES, ALL);
        assertTrue(v.flat(), v.line());
        assertTrue(check(v, "fds").detail().contains(": 27 after the warm-up (1030 fds)"), check(v, "fds").detail());
    }

    @Test
    void heapThatKeepsGrowingFailsTheThirdsRule() {
        // 7 post-warm-up readings: thirds of 2, 2, 3; +1 MiB a reading is +17 % from the second third to the last.
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, 1030, 27, 10_000 + 1024L * i)), RULES,
                ALL);
        assertEquals(SoakReport.Status.FAIL, check(v, "heap").status(), check(v, "heap").detail());
        assertFalse(v.flat());
        // Reported only when heap is not a deciding rule (the CI version).
        SoakReport.Verdict ci = SoakReport.judge(series(i -> sample(15 * i, 1030, 27, 10_000 + 1024L * i)), RULES,
                Set.of("fds", "threads", "loss", "allocations", "reloads", "leaks"));
        assertTrue(ci.flat(), ci.line());
        assertEquals(SoakReport.Status.SKIP, check(ci, "heap").status());
    }

    @Test
    void lossLeakReportsLostAllocationsAndUnappliedReloadsFail() {
        List<SoakReport.Sample> lossy = series(i -> new SoakReport.Sample(15 * i, 15_000, 1, 1030, 27, 5000, 4900, 100,
                1000, 1, 1, i, i, 0, 0, 0, 0, 0));
        assertEquals(SoakReport.Status.FAIL, check(SoakReport.judge(lossy, RULES, ALL), "loss").status());

        List<SoakReport.Sample> silent = series(i -> new SoakReport.Sample(15 * i, 15_000, 1, 1030, 27, 0, 0, 0,
                1000, 1, 1, i, i, 0, 0, 0, 0, 0));
        assertEquals(SoakReport.Status.FAIL, check(SoakReport.judge(silent, RULES, ALL), "loss").status(),
                "a soak where nothing was sent proves nothing");

        List<SoakReport.Sample> leaky = series(i -> new SoakReport.Sample(15 * i, 15_000, 1, 1030, 27, 5000, 5000, 0,
                1000, 1, 1, i, i, 0, i == 8 ? 1 : 0, 0, 0, 0));
        assertEquals(SoakReport.Status.FAIL, check(SoakReport.judge(leaky, RULES, ALL), "leaks").status());

        List<SoakReport.Sample> shrinking = series(i -> new SoakReport.Sample(15 * i, 15_000, 1, 1030, 27, 5000, 5000,
                0, 1000 - 20L * i, 1, 1, i, i, 0, 0, 0, 0, 0));
        assertEquals(SoakReport.Status.FAIL, check(SoakReport.judge(shrinking, RULES, ALL), "allocations").status());

        List<SoakReport.Sample> unapplied = series(i -> new SoakReport.Sample(15 * i, 15_000, 1, 1030, 27, 5000, 5000,
                0, 1000, 1, 1, i, 1, 0, 0, 0, 0, 0));
        assertEquals(SoakReport.Status.FAIL, check(SoakReport.judge(unapplied, RULES, ALL), "reloads").status());
    }

    @Test
    void descriptorsFollowingTheAllocationsInFlightAreNotALeak() {
        // Churn in flight at the reading: +40 allocations, +40 relay sockets; 27 other descriptors throughout.
        SoakReport.Verdict v = SoakReport.judge(series(i -> new SoakReport.Sample(15 * i, 15_000, 1,
                i == 8 ? 1040 + 27 : 1000 + 27, 27, 5000, 5000, 0, i == 8 ? 1040 : 1000, 1, 1, i, i, 0, 0, 0, 0, 0)),
                RULES, ALL);
        assertEquals(SoakReport.Status.PASS, check(v, "fds").status(), check(v, "fds").detail());
        // The same fds with the allocations unchanged: 40 descriptors that belong to no allocation.
        SoakReport.Verdict leak = SoakReport.judge(series(i -> new SoakReport.Sample(15 * i, 15_000, 1,
                i == 8 ? 1040 + 27 : 1000 + 27, 27, 5000, 5000, 0, 1000, 1, 1, i, i, 0, 0, 0, 0, 0)), RULES, ALL);
        assertEquals(SoakReport.Status.FAIL, check(leak, "fds").status(), check(leak, "fds").detail());
    }

    @Test
    void missingReadingsFailRatherThanPass() {
        SoakReport.Verdict v = SoakReport.judge(series(i -> sample(15 * i, -1, 27, -1)), RULES, ALL);
        assertEquals(SoakReport.Status.FAIL, check(v, "fds").status());
        assertEquals(SoakReport.Status.FAIL, check(v, "heap").status());
        SoakReport.Verdict none = SoakReport.judge(List.of(sample(15, 1030, 27, 15_000)), RULES, ALL);
        assertFalse(none.flat(), "one reading after the warm-up cannot show growth");
    }

    @Test
    void liveHeapFromTheClassHistogramTotal() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         40311        3563456  [B (java.base@17.0.15)
                   2:          3012         120480  io.netty.buffer.PoolSubpage
                Total        269387       24642328
                """;
        assertEquals(24642328 / 1024, SoakServer.liveHeapKb(histogram));
        assertEquals(-1, SoakServer.liveHeapKb("12345:\nCould not attach\n"));
        assertEquals(-1, SoakServer.liveHeapKb(null));
    }

    @Test
    void prometheusSamplesByNameAndLabel() {
        String text = """
                stunner_allocations_active_total 7.0
                # HELP stunner_allocations_active Number of active allocations
                # TYPE stunner_allocations_active gauge
                stunner_allocations_active 1003.0
                jvm_buffer_memory_used_bytes{id="mapped"} 0.0
                jvm_buffer_memory_used_bytes{id="direct"} 4670080.0
                turngate_config_changes_total{result="applied"} 12.0
                turngate_config_changes_total{result="rejected"} 0.0
                """;
        assertEquals(1003, SoakServer.metric(text, "stunner_allocations_active", ""));
        assertEquals(4670080, SoakServer.metric(text, "jvm_buffer_memory_used_bytes", "id=\"direct\""));
        assertEquals(12, SoakServer.metric(text, "turngate_config_changes_total", "result=\"applied\""));
        assertEquals(0, SoakServer.metric(text, "turngate_config_changes_total", "result=\"rejected\""));
        assertEquals(-1, SoakServer.metric(text, "stunner_missing", ""));
        assertEquals(-1, SoakServer.metric("", "stunner_allocations_active", ""));
    }
}
