package io.turngate.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Turns {@link LoadResult} JSON files into one self-contained HTML page (inline SVG charts, no script, nothing
 * fetched) and, with {@code --markdown}, a comparison table on stdout with the ratio of the first label to the
 * second (turngate/coturn when both are present).
 *
 * <pre>java -cp benchmarks.jar io.turngate.bench.load.HtmlReport a.json b.json -o report.html --markdown</pre>
 */
@Command(name = "html-report", mixinStandardHelpOptions = true,
        description = "HTML report (and a Markdown comparison table) from load-generator JSON results.")
public final class HtmlReport implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULT.json", description = "Result files of LoadGenerator --json.")
    List<Path> inputs = new ArrayList<>();
    @Option(names = {"-o", "--output"}, description = "HTML file to write.")
    Path output;
    @Option(names = "--markdown", description = "Print the comparison table as Markdown on stdout.")
    boolean markdown;
    @Option(names = "--title", description = "Page title (default: ${DEFAULT-VALUE}).")
    String title = "TURN relay load test";

    private final PrintStream out;

    public HtmlReport() {
        this(System.out);
    }

    HtmlReport(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new HtmlReport()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> results = new ArrayList<>();
        for (Path p : inputs) {
            JsonNode n = mapper.readTree(p.toFile());
            if (n == null || !LoadResult.TOOL.equals(n.path("tool").asText())) {
                System.err.println("html-report: " + p + ": found no \"tool\": \"" + LoadResult.TOOL
                        + "\" (expected: a LoadGenerator --json file); skipped");
                continue;
            }
            results.add(n);
        }
        if (results.isEmpty()) {
            System.err.println("html-report: no result files (expected: at least one LoadGenerator --json file)");
            return 2;
        }
        Comparison c = new Comparison(results);
        if (markdown) {
            out.print(c.markdown());
        }
        if (output != null) {
            Files.writeString(output, c.html(title), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** Results grouped by case (mode, allocations, payload, rate) and label. */
    static final class Comparison {
        final List<String> labels;
        /** case name → label → result (the last file wins). */
        final Map<String, Map<String, JsonNode>> cases = new LinkedHashMap<>();
        final List<JsonNode> results;

        Comparison(List<JsonNode> results) {
            this.results = results;
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            List<JsonNode> sorted = new ArrayList<>(results);
            sorted.sort(java.util.Comparator.comparingInt(Comparison::kind)
                    .thenComparingInt(r -> r.path("config").path("allocations").asInt())
                    .thenComparingInt(r -> r.path("config").path("payload").asInt())
                    .thenComparingLong(r -> r.path("config").path("ratePps").asLong())
                    .thenComparing(r -> r.path("config").path("mode").asText()));
            for (JsonNode r : sorted) {
                String label = r.path("label").asText("server");
                seen.add(label);
                cases.computeIfAbsent(caseName(r), k -> new LinkedHashMap<>()).merge(label, r, Comparison::better);
            }
            List<String> ordered = new ArrayList<>();
            for (String preferred : List.of("turngate", "coturn")) {
                if (seen.remove(preferred)) {
                    ordered.add(preferred);
                }
            }
            ordered.addAll(seen);
            labels = List.copyOf(ordered);
        }

        /**
         * Of two runs of the same case and label, the better one (noise on a shared machine only ever makes a run
         * worse): most forwarded packets/s, else lowest RTT p99 at a fixed rate, else most handshakes/s.
         */
        static JsonNode better(JsonNode a, JsonNode b) {
            if (!hasTraffic(a) || !hasTraffic(b)) {
                return b.path("handshake").path("allocationsPerSecond").asDouble()
                        > a.path("handshake").path("allocationsPerSecond").asDouble() ? b : a;
            }
            if (a.path("config").path("ratePps").asLong() == 0) {
                return b.path("traffic").path("forwardedPps").asDouble()
                        > a.path("traffic").path("forwardedPps").asDouble() ? b : a;
            }
            return b.path("traffic").path("rttMicros").path("p99").asDouble()
                    < a.path("traffic").path("rttMicros").path("p99").asDouble() ? b : a;
        }

        /** Table order: as-fast-as-possible runs, then fixed-rate runs, then handshake-only runs. */
        static int kind(JsonNode r) {
            return !hasTraffic(r) ? 2 : r.path("config").path("ratePps").asLong() == 0 ? 0 : 1;
        }

        static boolean hasTraffic(JsonNode r) {
            return r.hasNonNull("traffic");
        }

        static String caseName(JsonNode r) {
            JsonNode c = r.path("config");
            int n = c.path("allocations").asInt();
            if (!hasTraffic(r)) {
                return String.format(Locale.ROOT, "%d allocations, handshake only", n);
            }
            long rate = c.path("ratePps").asLong();
            String s = String.format(Locale.ROOT, "%d alloc × %d B", n, c.path("payload").asInt());
            if (rate > 0) {
                s += " @ " + LoadGenerator.si(rate) + "/s";
            }
            if ("send".equals(c.path("mode").asText())) {
                s += " (send)";
            }
            return s;
        }

        /** Rows of the comparison table: measurement, one cell per label, ratio of the first two labels. */
        List<List<String>> rows() {
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                Map<String, JsonNode> byLabel = e.getValue();
                JsonNode any = byLabel.values().iterator().next();
                if (!hasTraffic(any)) {
                    rows.add(row(e.getKey() + ": server RSS with all live (MiB)", byLabel,
                            r -> r.path("server").path("rssKbAllocated").asDouble(-1) / 1024, false));
                    rows.add(row(e.getKey() + ": RSS per allocation (KiB)", byLabel, r -> {
                        double before = r.path("server").path("rssKbBefore").asDouble(-1);
                        double live = r.path("server").path("rssKbAllocated").asDouble(-1);
                        int ready = r.path("handshake").path("ready").asInt();
                        return before < 0 || live < 0 || ready == 0 ? -1 : (live - before) / ready;
                    }, false));
                    rows.add(row(e.getKey() + ": Allocate handshakes/s", byLabel,
                            r -> r.path("handshake").path("allocationsPerSecond").asDouble(-1), false));
                    continue;
                }
                if (any.path("config").path("ratePps").asLong() == 0) {
                    rows.add(row(e.getKey() + ": forwarded packets/s", byLabel,
                            r -> r.path("traffic").path("forwardedPps").asDouble(-1), false));
                    rows.add(row(e.getKey() + ": forwarded per server CPU-second", byLabel,
                            r -> r.path("server").path("forwardedPerCpuSecond").asDouble(-1), false));
                } else {
                    rows.add(rttRow(e.getKey() + ": RTT p50 / p99 / p99.9 (µs)", byLabel));
                }
                rows.add(row(e.getKey() + ": loss (%)", byLabel,
                        r -> r.path("traffic").path("lossPercent").asDouble(-1), true));
            }
            return rows;
        }

        private List<String> row(String name, Map<String, JsonNode> byLabel,
                                 java.util.function.ToDoubleFunction<JsonNode> metric, boolean percent) {
            List<String> row = new ArrayList<>();
            row.add(name);
            double[] v = new double[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                JsonNode r = byLabel.get(labels.get(i));
                v[i] = r == null ? -1 : metric.applyAsDouble(r);
                row.add(v[i] < 0 ? "–" : percent ? String.format(Locale.ROOT, "%.3f", v[i]) : human(v[i]));
            }
            row.add(!percent && labels.size() >= 2 && v[0] >= 0 && v[1] > 0
                    ? String.format(Locale.ROOT, "%.2f", v[0] / v[1]) : "");
            return row;
        }

        private List<String> rttRow(String name, Map<String, JsonNode> byLabel) {
            List<String> row = new ArrayList<>();
            row.add(name);
            double[] p99 = new double[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                JsonNode r = byLabel.get(labels.get(i));
                if (r == null) {
                    row.add("–");
                    p99[i] = -1;
                    continue;
                }
                JsonNode rtt = r.path("traffic").path("rttMicros");
                p99[i] = rtt.path("p99").asDouble(-1);
                row.add(String.format(Locale.ROOT, "%.0f / %.0f / %.0f", rtt.path("p50").asDouble(),
                        p99[i], rtt.path("p999").asDouble()));
            }
            row.add(labels.size() >= 2 && p99[0] >= 0 && p99[1] > 0
                    ? String.format(Locale.ROOT, "%.2f (p99)", p99[0] / p99[1]) : "");
            return row;
        }

        List<String> header() {
            List<String> h = new ArrayList<>();
            h.add("measurement");
            h.addAll(labels);
            h.add(labels.size() >= 2 ? labels.get(0) + "/" + labels.get(1) : "ratio");
            return h;
        }

        String markdown() {
            StringBuilder s = new StringBuilder();
            List<String> h = header();
            s.append("| ").append(String.join(" | ", h)).append(" |\n");
            s.append("|").append("---|".repeat(h.size())).append('\n');
            for (List<String> row : rows()) {
                s.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            return s.toString();
        }

        String html(String title) {
            StringBuilder s = new StringBuilder(64 * 1024);
            s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                    .append(escape(title)).append("</title>\n<style>\n")
                    .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}")
                    .append("table{border-collapse:collapse;margin:12px 0;font-size:13px}")
                    .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                    .append("td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}")
                    .append("svg{display:block;margin:16px 0}.note{color:#666;font-size:12px}\n")
                    .append("</style></head><body>\n");
            s.append("<h1>").append(escape(title)).append("</h1>\n");
            JsonNode host = results.get(0).path("host");
            s.append("<p class=\"note\">Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                    .append(" from ").append(results.size()).append(" result file(s). Machine: ")
                    .append(escape(host.path("cpus").asText())).append(" CPUs, ")
                    .append(escape(host.path("cpuModel").asText())).append(", Linux ")
                    .append(escape(host.path("kernel").asText())).append(", ")
                    .append(escape(host.path("java").asText())).append(".</p>\n");
            s.append("<p class=\"note\">When a case ran more than once, the best run per label is shown (most "
                    + "packets/s, lowest RTT p99, most handshakes/s); the table at the end lists every run.</p>\n");
            s.append("<p class=\"note\">Forwarded packets/s = datagrams the server relayed in both directions "
                    + "(client→peer counted at the echo peers, peer→client counted at the clients). RTT = client → "
                    + "relay → echo peer → relay → client on loopback.</p>\n");

            s.append("<h2>Comparison</h2>\n").append(htmlTable(header(), rows()));
            s.append(ppsChart());
            s.append(rttChart());
            s.append(handshakeCharts());
            s.append("<h2>All runs</h2>\n").append(detailTable());
            s.append("</body></html>\n");
            return s.toString();
        }

        private String ppsChart() {
            List<String> cats = new ArrayList<>();
            List<Map<String, JsonNode>> groups = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                JsonNode any = e.getValue().values().iterator().next();
                if (hasTraffic(any) && any.path("config").path("ratePps").asLong() == 0) {
                    cats.add(e.getKey());
                    groups.add(e.getValue());
                }
            }
            if (cats.isEmpty()) {
                return "";
            }
            double[][] v = new double[labels.size()][cats.size()];
            for (int k = 0; k < labels.size(); k++) {
                for (int g = 0; g < cats.size(); g++) {
                    JsonNode r = groups.get(g).get(labels.get(k));
                    v[k][g] = r == null ? Double.NaN : r.path("traffic").path("forwardedPps").asDouble(Double.NaN);
                }
            }
            return "<h2>Packets per second (as fast as possible)</h2>\n"
                    + SvgChart.bars("Forwarded packets/s by allocations and payload", "packets/s", cats, labels, v,
                    false);
        }

        private String rttChart() {
            List<String> cats = new ArrayList<>();
            List<Map<String, JsonNode>> groups = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                if (hasTraffic(e.getValue().values().iterator().next())) {
                    cats.add(e.getKey());
                    groups.add(e.getValue());
                }
            }
            if (cats.isEmpty()) {
                return "";
            }
            StringBuilder s = new StringBuilder("<h2>Round-trip time</h2>\n");
            Map<String, String> names = new LinkedHashMap<>();
            names.put("p50", "RTT p50");
            names.put("p99", "RTT p99");
            names.put("p999", "RTT p99.9");
            for (Map.Entry<String, String> pct : names.entrySet()) {
                double[][] v = new double[labels.size()][cats.size()];
                for (int k = 0; k < labels.size(); k++) {
                    for (int g = 0; g < cats.size(); g++) {
                        JsonNode r = groups.get(g).get(labels.get(k));
                        v[k][g] = r == null ? Double.NaN
                                : r.path("traffic").path("rttMicros").path(pct.getKey()).asDouble(Double.NaN);
                    }
                }
                s.append(SvgChart.bars(pct.getValue() + " by allocations, payload and rate", "µs", cats, labels, v,
                        true));
            }
            return s.toString();
        }

        private String handshakeCharts() {
            List<String> cats = new ArrayList<>();
            List<Map<String, JsonNode>> groups = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                if (!hasTraffic(e.getValue().values().iterator().next())) {
                    cats.add(e.getKey());
                    groups.add(e.getValue());
                }
            }
            if (cats.isEmpty()) {
                return "";
            }
            double[][] rate = new double[labels.size()][cats.size()];
            double[][] rss = new double[labels.size()][cats.size()];
            for (int k = 0; k < labels.size(); k++) {
                for (int g = 0; g < cats.size(); g++) {
                    JsonNode r = groups.get(g).get(labels.get(k));
                    rate[k][g] = r == null ? Double.NaN
                            : r.path("handshake").path("allocationsPerSecond").asDouble(Double.NaN);
                    double live = r == null ? -1 : r.path("server").path("rssKbAllocated").asDouble(-1);
                    rss[k][g] = live < 0 ? Double.NaN : live / 1024;
                }
            }
            return "<h2>Allocations</h2>\n"
                    + SvgChart.bars("Allocate handshakes per second", "allocations/s", cats, labels, rate, false)
                    + SvgChart.bars("Server RSS with all allocations live", "MiB", cats, labels, rss, false);
        }

        private String detailTable() {
            List<String> h = List.of("label", "case", "ready/failed", "alloc/s", "sent", "delivered", "loss %",
                    "forwarded pps", "c→p pps", "p→c pps", "RTT p50 µs", "p99", "p99.9", "max", "server CPU %",
                    "fwd per CPU-s", "gen CPU %", "RSS KiB before/live/after", "started");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : results) {
                JsonNode t = r.path("traffic");
                JsonNode rtt = t.path("rttMicros");
                JsonNode hs = r.path("handshake");
                JsonNode sv = r.path("server");
                boolean traffic = hasTraffic(r);
                rows.add(List.of(r.path("label").asText(), caseName(r),
                        hs.path("ready").asText() + "/" + hs.path("failed").asText(),
                        human(hs.path("allocationsPerSecond").asDouble()),
                        traffic ? t.path("sent").asText() : "", traffic ? t.path("delivered").asText() : "",
                        traffic ? String.format(Locale.ROOT, "%.3f", t.path("lossPercent").asDouble()) : "",
                        traffic ? human(t.path("forwardedPps").asDouble()) : "",
                        traffic ? human(t.path("clientToPeerPps").asDouble()) : "",
                        traffic ? human(t.path("peerToClientPps").asDouble()) : "",
                        traffic ? human(rtt.path("p50").asDouble()) : "", traffic ? human(rtt.path("p99").asDouble()) : "",
                        traffic ? human(rtt.path("p999").asDouble()) : "", traffic ? human(rtt.path("max").asDouble()) : "",
                        human(sv.path("cpuPercent").asDouble(-1)), human(sv.path("forwardedPerCpuSecond").asDouble(-1)),
                        human(r.path("generator").path("cpuPercent").asDouble(-1)),
                        sv.path("rssKbBefore").asText() + " / " + sv.path("rssKbAllocated").asText() + " / "
                                + sv.path("rssKbAfter").asText(),
                        r.path("startedAt").asText()));
            }
            return htmlTable(h, rows);
        }

        private static String htmlTable(List<String> header, List<List<String>> rows) {
            StringBuilder s = new StringBuilder("<table>\n<tr>");
            for (String h : header) {
                s.append("<th>").append(escape(h)).append("</th>");
            }
            s.append("</tr>\n");
            for (List<String> row : rows) {
                s.append("<tr>");
                for (String c : row) {
                    s.append("<td>").append(escape(c)).append("</td>");
                }
                s.append("</tr>\n");
            }
            return s.append("</table>\n").toString();
        }
    }

    /** Compact number: 412.3k, 1.05M, 99.5, 3. Negative means unknown. */
    static String human(double v) {
        if (v < 0 || Double.isNaN(v)) {
            return "–";
        }
        if (v >= 1000) {
            return LoadGenerator.si(v);
        }
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }
}
