package io.turngate.bench.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HtmlReport} on schema-2 results: the RTT corrected for coordinated omission is what the tables and the
 * median rule use, the uncorrected figures are shown beside it, the latency matrix's runs are plotted one by one,
 * and cold starts are cases of their own with their timeline.
 */
class LatencyMatrixReportTest {


    /** A fixed-rate run: RTT as sent p50/p99 {@code sentP99}, corrected p99 {@code correctedP99}. */
    private static LoadResult run(String label, int allocations, long rate, double sentP99, double correctedP99,
                                  LoadResult.Timeline timeline) {
        LoadResult.Rtt sent = new LoadResult.Rtt(1000, 10, 30, 50, 60, sentP99, sentP99 * 2, sentP99 * 3);
        LoadResult.Rtt corrected = new LoadResult.Rtt(1000, 10, 35, 55, 70, correctedP99, correctedP99 * 2,
                correctedP99 * 4);
        LoadResult.Traffic traffic = new LoadResult.Traffic(5, 1000, 1000, 1000, 0, 0, 0, 0, 0, 0, rate, rate, rate,
                2.0 * rate, 10, sent, corrected, timeline);
        return new LoadResult(LoadResult.TOOL, LoadResult.SCHEMA, label, "2026-12-01T00:00:00Z",
                new LoadResult.Host("h", 2, "cpu", "6.1", "java 17"),
                new LoadResult.Config("127.0.0.1:3478", "channel", allocations, 100, rate, 5, 2, 1, 1, 1, 0),
                new LoadResult.Handshake(allocations, allocations, allocations, 0, Map.of(), 200, 10, 5, 1000, 1, 2,
                        3, 1, 2, 3, 50, allocations),
                traffic, new LoadResult.Server(42, 30, 1.5, 1000, 1000, 2000, 2100, 4),
                new LoadResult.Generator(20), List.of());
    }

    private static LoadResult.Timeline timeline(double... p99) {
        List<LoadResult.Window> windows = new ArrayList<>();
        for (int i = 0; i < p99.length; i++) {
            windows.add(new LoadResult.Window(0.8 + i, 20_000, 50, p99[i], p99[i] * 2, p99[i] * 3));
        }
        return new LoadResult.Timeline("server ready", 1, 0.8, windows);
    }

    @Test
    void theCorrectedRttIsTheHeadlineAndTheRttAsSentIsShownBesideIt() {
        String md = HtmlReportTest.comparison(run("turngate", 100, 20_000, 100, 300, null),
                run("coturn", 100, 20_000, 100, 150, null)).markdown();
        String key = "100 alloc × 100 B @ 20.0k/s";
        assertEquals("| " + key + ": RTT p50 / p99 / p99.9 (µs) | 55 / 300 / 600 | 55 / 150 / 300 | 2.00 (p99) |",
                HtmlReportTest.row(md, key + ": RTT p50 / p99 / p99.9 (µs)"));
        assertEquals("| " + key + ": RTT as sent, not corrected: p50 / p99 / p99.9 (µs) | 50 / 100 / 200 "
                + "| 50 / 100 / 200 | 1.00 (p99) |", HtmlReportTest.row(md, key + ": RTT as sent, not corrected: p50 / p99 / p99.9 (µs)"));
        assertEquals("| " + key + ": RTT max (µs) | 1.2k | 600 | 2.00 |", HtmlReportTest.row(md, key + ": RTT max (µs)"));
    }

    @Test
    void theMedianRunIsChosenByTheCorrectedP99AndEveryRunsP999IsListed() {
        // corrected p99 900, 300, 600 → median 600 (run 3), although its p99 as sent is the lowest
        HtmlReport.Comparison c = HtmlReportTest.comparison(run("turngate", 1000, 20_000, 200, 900, null),
                run("turngate", 1000, 20_000, 150, 300, null), run("turngate", 1000, 20_000, 100, 600, null));
        String md = c.markdown();
        String key = "1000 alloc × 100 B @ 20.0k/s";
        assertTrue(HtmlReportTest.row(md, key + ": RTT p50 / p99 / p99.9 (µs)").contains("| 55 / 600 / 1200 (median of 3) |"), md);
        assertTrue(HtmlReportTest.row(md, key + ": RTT p99 per run (µs)").contains("| 900 / 300 / 600 |"), md);
        assertTrue(HtmlReportTest.row(md, key + ": RTT p99.9 per run (µs)").contains("| 1800 / 600 / 1200 |"), md);
        String page = c.html("t");
        assertTrue(page.contains("Latency matrix: every run"), "the matrix's dot charts");
        assertEquals(6, page.split("<circle", -1).length - 1, "one dot per run, for p99 and for p99.9");
        assertTrue(page.contains("turngate, 1000 alloc × 100 B @ 20.0k/s, run 2: 300 µs"), "a dot says its run");
    }

    @Test
    void aColdStartIsACaseOfItsOwnWithItsWindowsTheWorstWindowAndATimeline() {
        String md;
        HtmlReport.Comparison c = HtmlReportTest.comparison(run("turngate", 100, 20_000, 100, 120, null),
                run("turngate", 100, 20_000, 100, 2000, timeline(5000, 300, 200)),
                run("coturn", 100, 20_000, 100, 150, timeline(400, 200, 250)),
                run("turngate-nowarm", 100, 20_000, 100, 9000, timeline(20000, 900, 300)));
        md = c.markdown();
        String cold = "100 alloc × 100 B @ 20.0k/s, cold start";
        assertTrue(HtmlReportTest.row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)").contains("| 55 / 120 / 240 |"),
                "the warm run is not mixed with the cold one\n" + md);
        assertEquals("| measurement | turngate | coturn | turngate-nowarm | turngate/coturn |", md.split("\n")[0]);
        assertEquals("| " + cold + ": RTT p99 per window, median run (µs) | 5000 / 300 / 200 | 400 / 200 / 250 "
                + "| 20000 / 900 / 300 |  |", HtmlReportTest.row(md, cold + ": RTT p99 per window, median run (µs)"));
        assertEquals("| " + cold + ": worst window's RTT p99 (µs) | 5.0k | 400 | 20.0k | 12.50 |",
                HtmlReportTest.row(md, cold + ": worst window's RTT p99 (µs)"));
        assertTrue(md.indexOf("@ 20.0k/s: RTT p50") < md.indexOf(cold), "cold starts after the fixed-rate cases");
        String page = c.html("t");
        assertTrue(page.contains("<h2>Cold start</h2>"));
        assertTrue(page.contains("seconds after server ready"));
        assertEquals(3, page.split("<polyline", -1).length - 1, "one line per cold run");
        assertFalse(page.contains("<script"));
    }
}
