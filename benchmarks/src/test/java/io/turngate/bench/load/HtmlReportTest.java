package io.turngate.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static LoadResult result(String label, int allocations, long rate, double pps, double p99) {
        return result(label, allocations, rate, pps, 25, p99);
    }

    private static LoadResult result(String label, int allocations, long rate, double pps, double p50, double p99) {
        LoadResult.Rtt rtt = new LoadResult.Rtt(1000, 10, 30, p50, 40, p99, p99 * 2, p99 * 3);
        LoadResult.Traffic traffic = new LoadResult.Traffic(5, 1000, 1000, 990, 10, 1.0, 0, 0, 0, 0, pps / 2,
                pps / 2, pps / 2, pps, 80, rtt);
        return new LoadResult(LoadResult.TOOL, LoadResult.SCHEMA, label, "2026-01-01T00:00:00Z",
                new LoadResult.Host("h", 2, "cpu <x>", "6.1", "java 17"),
                new LoadResult.Config("127.0.0.1:3478", "channel", allocations, 100, rate, 5, 0, 128, 1, 1, 0),
                new LoadResult.Handshake(allocations, allocations, allocations, 0, Map.of(), 200, 10, 5, 1000, 1, 2,
                        3, 1, 2, 3, 50, allocations),
                traffic, new LoadResult.Server(42, 99, 5, pps / 0.99, 1000, 2000, 2100, 4),
                new LoadResult.Generator(80), List.of());
    }

    private static LoadResult handshakeOnly(String label, long rssBefore, long rssLive, double perSecond) {
        return new LoadResult(LoadResult.TOOL, LoadResult.SCHEMA, label, "2026-01-01T00:00:00Z",
                new LoadResult.Host("h", 2, "cpu", "6.1", "java 17"),
                new LoadResult.Config("127.0.0.1:3478", "channel", 1000, 100, 0, 0, 0, 1, 1, 1, 0),
                new LoadResult.Handshake(1000, 1000, 1000, 0, Map.of(), 200, 10, 5, perSecond, 1, 2, 3, 1, 2, 3,
                        90, 1000),
                null, new LoadResult.Server(42, -1, -1, -1, rssBefore, rssLive, rssLive, 4),
                new LoadResult.Generator(-1), List.of());
    }

    @Test
    void markdownHasTheRatioOfTurngateToCoturnAndHtmlFetchesNothing(@TempDir Path dir) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Path c = dir.resolve("c.json");
        Path d = dir.resolve("d.json");
        Path e = dir.resolve("e.json");
        Path f = dir.resolve("f.json");
        // coturn first on purpose: turngate must still be the first column.
        mapper.writeValue(a.toFile(), result("coturn", 1, 0, 400_000, 100));
        mapper.writeValue(b.toFile(), result("turngate", 1, 0, 200_000, 100));
        mapper.writeValue(c.toFile(), result("coturn", 100, 20_000, 40_000, 200));
        mapper.writeValue(d.toFile(), result("turngate", 100, 20_000, 40_000, 50));
        mapper.writeValue(e.toFile(), handshakeOnly("coturn", 10_000, 30_480, 2000));
        mapper.writeValue(f.toFile(), handshakeOnly("turngate", 50_000, 100_000, 3000));
        Path html = dir.resolve("report.html");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HtmlReport report = new HtmlReport(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code = new picocli.CommandLine(report).execute(a.toString(), b.toString(), c.toString(), d.toString(),
                e.toString(), f.toString(), "-o", html.toString(), "--markdown");
        assertEquals(0, code);
        String md = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(md.startsWith("| measurement | turngate | coturn | turngate/coturn |"), md);
        assertTrue(md.contains("| 1 alloc × 100 B: forwarded packets/s | 200.0k | 400.0k | 0.50 |"), md);
        assertTrue(md.contains("| 100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs) | 25 / 50 / 100 | "
                + "25 / 200 / 400 | 0.25 (p99) |"), md);
        assertTrue(md.contains("RSS per allocation (KiB) | 50 | 20.48 | 2.44 |"), md);
        assertTrue(md.contains("Allocate handshakes/s | 3.0k | 2.0k | 1.50 |"), md);
        assertTrue(md.indexOf("forwarded packets/s") < md.indexOf("RTT p50"), "throughput rows come first");
        assertFalse(md.contains("median of"), "one run per cell: no marker\n" + md);
        assertFalse(md.contains("per run"), "one run per label: no per-run row\n" + md);

        String page = Files.readString(html);
        assertTrue(page.contains("<svg"), "has charts");
        assertTrue(page.contains("turngate") && page.contains("coturn"));
        assertTrue(page.contains("cpu &lt;x&gt;"), "text is escaped");
        assertFalse(page.contains("<script"), "no script");
        assertFalse(page.matches("(?s).*(src|href)=\"https?:.*"), "nothing fetched");
    }

    @Test
    void filesThatAreNotResultsAreRejected(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{\"tool\": \"something else\"}");
        HtmlReport report = new HtmlReport(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertEquals(2, new picocli.CommandLine(report).execute(junk.toString(), "--markdown"));
    }

    /** A file as benchmarks/c/turnlat writes it (a run of its own against coturn, kept as test data). */
    @Test
    void filesOfTheCGeneratorAreRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lat-100x100-20000pps-r1-coturn.json");
        try (java.io.InputStream in = HtmlReportTest.class.getResourceAsStream(
                "/turnlat/lat-100x100-20000pps-r1-coturn.json")) {
            Files.copy(in, f);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HtmlReport report = new HtmlReport(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, new picocli.CommandLine(report).execute(f.toString(), "--markdown", "-o",
                dir.resolve("r.html").toString()));
        String md = out.toString(StandardCharsets.UTF_8);
        // its corrected RTT (p50 46.262, p99 92.396, p99.9 907.524 µs), as the Java generator's would be shown
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)").contains("46 / 92 / 908"), md);
    }

    // ---- several runs of the same case and label: the median run by the case's key metric ----

    /** The report over {@code runs}, as compare.sh feeds it their JSON files (shared with LatencyMatrixReportTest). */
    static HtmlReport.Comparison comparison(LoadResult... runs) {
        List<JsonNode> nodes = new ArrayList<>();
        for (LoadResult r : runs) {
            nodes.add(MAPPER.valueToTree(r));
        }
        return new HtmlReport.Comparison(nodes);
    }

    /** Throughput runs of turngate, 1 alloc × 100 B as fast as possible, one per packets/s value, in that order. */
    private static HtmlReport.Comparison throughputRuns(double... pps) {
        LoadResult[] runs = new LoadResult[pps.length];
        for (int i = 0; i < pps.length; i++) {
            runs[i] = result("turngate", 1, 0, pps[i], 100);
        }
        return comparison(runs);
    }

    /** Fixed-rate runs of turngate, 100 alloc @ 20k/s; run i has RTT p50 p50[i] and p99 p99[i]. */
    private static HtmlReport.Comparison rttRuns(double[] p50, double[] p99) {
        LoadResult[] runs = new LoadResult[p99.length];
        for (int i = 0; i < p99.length; i++) {
            runs[i] = result("turngate", 100, 20_000, 40_000, p50[i], p99[i]);
        }
        return comparison(runs);
    }

    /** The markdown table's row of {@code measurement}; fails the test when there is none. */
    static String row(String markdown, String measurement) {
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| " + measurement + " |")) {
                return line;
            }
        }
        throw new AssertionError("no row \"" + measurement + "\" in\n" + markdown);
    }

    @Test
    void throughputOfOneRunIsThatRunWithoutAMarker() {
        String md = throughputRuns(300_000).markdown();
        assertEquals("| 1 alloc × 100 B: forwarded packets/s | 300.0k |  |", row(md, "1 alloc × 100 B: forwarded packets/s"),
                md);
        assertFalse(md.contains("median of"), md);
    }

    @Test
    void throughputOfTwoRunsIsTheBetterOfTheTwo() {
        HtmlReport.Comparison c = throughputRuns(100_000, 300_000);
        assertEquals(300_000, c.cases.get("1 alloc × 100 B").get("turngate").path("traffic").path("forwardedPps")
                .asDouble());
        assertTrue(row(c.markdown(), "1 alloc × 100 B: forwarded packets/s").contains("| 300.0k (median of 2) |"),
                c.markdown());
    }

    @Test
    void throughputOfThreeRunsIsTheMiddleOneNotTheBest() {
        HtmlReport.Comparison c = throughputRuns(300_000, 100_000, 200_000);
        String md = c.markdown();
        assertTrue(row(md, "1 alloc × 100 B: forwarded packets/s").contains("| 200.0k (median of 3) |"), md);
        // the CPU-second row comes from the same (median) run: its value is pps / 0.99 in these results
        assertTrue(row(md, "1 alloc × 100 B: forwarded per server CPU-second").contains("| 202.0k (median of 3) |"),
                md);
        assertTrue(row(md, "1 alloc × 100 B: loss (%)").contains("| 1.000 (median of 3) |"), md);
    }

    @Test
    void throughputOfFourRunsIsTheBetterOfTheTwoMiddleOnes() {
        // best first: 400k, 300k, 200k, 100k → index (4 - 1) / 2 = 1 → 300k
        String md = throughputRuns(100_000, 400_000, 200_000, 300_000).markdown();
        assertTrue(row(md, "1 alloc × 100 B: forwarded packets/s").contains("| 300.0k (median of 4) |"), md);
    }

    @Test
    void rttOfOneRunHasNoMarkerAndNoPerRunRow() {
        String md = rttRuns(new double[] {70}, new double[] {500}).markdown();
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)")
                .contains("| 70 / 500 / 1000 |"), md);
        assertFalse(md.contains("median of") || md.contains("per run"), md);
    }

    @Test
    void rttOfTwoRunsIsTheOneWithTheLowerP99() {
        String md = rttRuns(new double[] {60, 80}, new double[] {1200, 900}).markdown();
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)")
                .contains("| 80 / 900 / 1800 (median of 2) |"), md);
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p99 per run (µs)").contains("| 1200 / 900 |"), md);
    }

    @Test
    void rttOfThreeRunsIsTheMiddleP99WithItsOwnP50AndP999() {
        String md = rttRuns(new double[] {70, 60, 80}, new double[] {1001, 891, 1038}).markdown();
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)")
                .contains("| 70 / 1001 / 2002 (median of 3) |"), md);
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p99 per run (µs)").contains("| 1001 / 891 / 1038 |"),
                md);
        assertTrue(md.indexOf("RTT p50 / p99") < md.indexOf("RTT p99 per run")
                && md.indexOf("RTT p99 per run") < md.indexOf("loss (%)"), "per-run row follows the RTT row\n" + md);
    }

    @Test
    void rttOfFourRunsIsTheBetterOfTheTwoMiddleP99s() {
        // best first: 1585, 1823, 2253, 4022 → index 1 → 1823 (run 2, p50 71)
        String md = rttRuns(new double[] {74, 71, 72, 79}, new double[] {4022, 1823, 1585, 2253}).markdown();
        assertTrue(row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)")
                .contains("| 71 / 1823 / 3646 (median of 4) |"), md);
    }

    /** A run of {@code result(...)} over another transport: only the config's transport differs. */
    private static LoadResult over(String transport, LoadResult r) {
        LoadResult.Config c = r.config();
        return new LoadResult(r.tool(), r.schema(), r.label(), r.startedAt(), r.host(),
                new LoadResult.Config(c.server(), c.mode(), c.allocations(), c.payload(), c.ratePps(),
                        c.durationSeconds(), c.warmupSeconds(), c.windowPerAllocation(), c.threads(), c.peers(),
                        c.maxPackets(), transport), r.handshake(), r.traffic(), r.server(), r.generator(), r.notes());
    }

    private static LoadResult idle(String label, int connections, long rssBefore, long rssIdle) {
        LoadResult base = handshakeOnly(label, rssBefore, rssIdle, 500);
        LoadResult.Config c = base.config();
        return new LoadResult(base.tool(), base.schema(), label, base.startedAt(), base.host(),
                new LoadResult.Config(c.server(), c.mode(), connections, c.payload(), 0, 0, 0, 1, 1, 1, 0, "tcp"),
                base.handshake(), null, base.server(), base.generator(), List.of(),
                new LoadResult.Idle(30, rssBefore, rssIdle, connections, connections, 2 * connections + 40,
                        (double) (rssIdle - rssBefore) / connections));
    }

    @Test
    void tcpAndTlsCasesAreRowsOfTheirOwnWithTheRatioAndUdpRowsKeepTheirNames() {
        String md = comparison(result("coturn", 100, 0, 400_000, 100), result("turngate", 100, 0, 300_000, 100),
                over("tcp", result("coturn", 100, 0, 200_000, 100)),
                over("tcp", result("turngate", 100, 0, 250_000, 100)),
                over("tls", result("coturn", 100, 20_000, 40_000, 400)),
                over("tls", result("turngate", 100, 20_000, 40_000, 200))).markdown();
        assertEquals("| 100 alloc × 100 B: forwarded packets/s | 300.0k | 400.0k | 0.75 |",
                row(md, "100 alloc × 100 B: forwarded packets/s"));
        assertEquals("| 100 alloc × 100 B over TCP: forwarded packets/s | 250.0k | 200.0k | 1.25 |",
                row(md, "100 alloc × 100 B over TCP: forwarded packets/s"));
        assertEquals("| 100 alloc × 100 B over TLS @ 20.0k/s: RTT p50 / p99 / p99.9 (µs) | 25 / 200 / 400 "
                + "| 25 / 400 / 800 | 0.50 (p99) |", row(md, "100 alloc × 100 B over TLS @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)"));
        assertTrue(md.indexOf("100 alloc × 100 B: forwarded") < md.indexOf("100 alloc × 100 B over TCP: forwarded"),
                "UDP rows first, then TCP, then TLS: " + md);
    }

    @Test
    void idleTcpConnectionsGetRssBeforeAfterAndPerConnectionWithTheRatio() {
        // turngate: (60 - 20) MiB over 10,000 connections = 4.096 KiB each; coturn: 210,000 KiB over 10,000 = 21 KiB
        String md = comparison(idle("turngate", 10_000, 20 * 1024, 60 * 1024),
                idle("coturn", 10_000, 15 * 1024, 15 * 1024 + 210_000)).markdown();
        String key = "10000 allocations over TCP, idle 30 s";
        assertEquals("| " + key + ": server RSS before (MiB) | 20 | 15 | 1.33 |",
                row(md, key + ": server RSS before (MiB)"));
        assertEquals("| " + key + ": server RSS with all idle (MiB) | 60 | 220 | 0.27 |",
                row(md, key + ": server RSS with all idle (MiB)"));
        assertEquals("| " + key + ": RSS per idle allocation (KiB) | 4.10 | 21 | 0.20 |",
                row(md, key + ": RSS per idle allocation (KiB)"));
        assertFalse(md.contains("handshake only"), "an idle run is not a handshake-only case: " + md);
    }

    @Test
    void handshakeOnlyRunsTakeTheMedianHandshakeRateAndItsRss() {
        // RSS per allocation = (live - before) / 1000 KiB; the median run (2000/s) has 30 KiB
        HtmlReport.Comparison c = comparison(handshakeOnly("turngate", 10_000, 20_000, 3000),
                handshakeOnly("turngate", 10_000, 50_000, 1000), handshakeOnly("turngate", 10_000, 40_000, 2000));
        String md = c.markdown();
        assertTrue(row(md, "1000 allocations, handshake only: Allocate handshakes/s")
                .contains("| 2.0k (median of 3) |"), md);
        assertTrue(row(md, "1000 allocations, handshake only: RSS per allocation (KiB)")
                .contains("| 30 (median of 3) |"), md);
    }

    @Test
    void perRunP99RowListsEveryRunOfEachLabelAndTheRatioOfTheMedians(@TempDir Path dir) throws Exception {
        // turngate p99 1001 / 891 / 1038 → median 1001; coturn 500 / 400 / 600 / 700 → better middle 500
        double[] turngate = {1001, 891, 1038};
        double[] coturn = {500, 400, 600, 700};
        List<String> args = new ArrayList<>();
        for (int i = 0; i < coturn.length; i++) {
            Path p = dir.resolve("rtt-100x100-r" + (i + 1) + "-coturn.json");
            MAPPER.writeValue(p.toFile(), result("coturn", 100, 20_000, 40_000, 60 + i, coturn[i]));
            args.add(p.toString());
            if (i < turngate.length) {
                Path q = dir.resolve("rtt-100x100-r" + (i + 1) + "-turngate.json");
                MAPPER.writeValue(q.toFile(), result("turngate", 100, 20_000, 40_000, 70 + i, turngate[i]));
                args.add(q.toString());
            }
        }
        Path html = dir.resolve("report.html");
        args.addAll(List.of("-o", html.toString(), "--markdown"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HtmlReport report = new HtmlReport(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, new picocli.CommandLine(report).execute(args.toArray(new String[0])));
        String md = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(md.startsWith("| measurement | turngate | coturn | turngate/coturn |\n|---|---|---|---|\n"), md);
        assertEquals("| 100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs) | 70 / 1001 / 2002 (median of 3) "
                + "| 60 / 500 / 1000 (median of 4) | 2.00 (p99) |",
                row(md, "100 alloc × 100 B @ 20.0k/s: RTT p50 / p99 / p99.9 (µs)"));
        assertEquals("| 100 alloc × 100 B @ 20.0k/s: RTT p99 per run (µs) | 1001 / 891 / 1038 "
                + "| 500 / 400 / 600 / 700 | 2.00 (p99) |",
                row(md, "100 alloc × 100 B @ 20.0k/s: RTT p99 per run (µs)"));
        assertEquals("| 100 alloc × 100 B @ 20.0k/s: loss (%) | 1.000 (median of 3) | 1.000 (median of 4) |  |",
                row(md, "100 alloc × 100 B @ 20.0k/s: loss (%)"));

        String page = Files.readString(html);
        assertTrue(page.contains("<td>70 / 1001 / 2002 (median of 3)</td>"), "HTML table has the marker");
        assertTrue(page.contains("<td>1001 / 891 / 1038</td>"), "HTML table has the per-run row");
        assertTrue(page.contains("the median run per label is shown"), "note describes the median rule");
        assertFalse(page.contains("the best run per label"), "old note is gone");
    }
}
