package io.turngate.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private static LoadResult result(String label, int allocations, long rate, double pps, double p99) {
        LoadResult.Rtt rtt = new LoadResult.Rtt(1000, 10, 30, 25, 40, p99, p99 * 2, p99 * 3);
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
}
