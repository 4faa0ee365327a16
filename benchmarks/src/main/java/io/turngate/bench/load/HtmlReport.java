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
            if (n == null || !LoadResult.readable(n.path("tool").asText())) {
                System.err.println("html-report: " + p + ": found no \"tool\": \"" + LoadResult.TOOL
                        + "\" or \"" + LoadResult.C_TOOL + "\" (expected: a LoadGenerator or turnlat --json file);"
                        + " skipped");
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

    /**
     * Results grouped by case (mode, allocations, payload, rate) and label. When a case ran more than once for a
     * label (compare.sh {@code --repeat N}), every row of that case shows the one median run by the case's key
     * metric (see {@link #median(List)}), so the numbers of a row all come from the same run.
     */
    static final class Comparison {
        final List<String> labels;
        /** case name → label → every run of that case and label, in file order. */
        final Map<String, Map<String, List<JsonNode>>> runs = new LinkedHashMap<>();
        /** case name → label → the median run of {@link #runs} by the case's key metric. */
        final Map<String, Map<String, JsonNode>> cases = new LinkedHashMap<>();
        final List<JsonNode> results;

        Comparison(List<JsonNode> results) {
            this.results = results;
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            List<JsonNode> sorted = new ArrayList<>(results);
            sorted.sort(java.util.Comparator.comparingInt(Comparison::kind)
                    .thenComparingInt(Comparison::transportOrder)
                    .thenComparingInt(r -> r.path("config").path("allocations").asInt())
                    .thenComparingInt(r -> r.path("config").path("payload").asInt())
                    .thenComparingLong(r -> r.path("config").path("ratePps").asLong())
                    .thenComparing(r -> r.path("config").path("mode").asText()));
            for (JsonNode r : sorted) {
                String label = r.path("label").asText("server");
                seen.add(label);
                runs.computeIfAbsent(caseName(r), k -> new LinkedHashMap<>())
                        .computeIfAbsent(label, k -> new ArrayList<>()).add(r);
            }
            for (Map.Entry<String, Map<String, List<JsonNode>>> e : runs.entrySet()) {
                Map<String, JsonNode> chosen = new LinkedHashMap<>();
                e.getValue().forEach((label, list) -> chosen.put(label, median(list)));
                cases.put(e.getKey(), chosen);
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
         * The median of the runs of one case and label by the case's key metric ({@link #badness(JsonNode)}): the
         * runs are sorted from best to worst (a stable sort, so ties keep file order) and the one at index
         * {@code (n - 1) / 2} is taken. For an odd count that is the middle run; for an even count it is the
         * lower-middle one by goodness, i.e. the better of the two middle runs (a run is never averaged with
         * another, so every number shown was measured together).
         */
        static JsonNode median(List<JsonNode> runs) {
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("found no runs (expected: at least one run per case and label)");
            }
            List<JsonNode> bestFirst = new ArrayList<>(runs);
            bestFirst.sort(java.util.Comparator.comparingDouble(Comparison::badness));
            return bestFirst.get((bestFirst.size() - 1) / 2);
        }

        /**
         * The key metric of a run as a number where lower is better: minus forwarded packets/s as fast as possible
         * ({@code config.ratePps == 0}), RTT p99 at a fixed rate, minus Allocate handshakes/s for handshake-only
         * runs. A missing metric is NaN, which sorts after every number (worst).
         */
        static double badness(JsonNode r) {
            if (isIdle(r)) {
                return r.path("idle").path("kbPerAllocation").asDouble(Double.NaN);
            }
            if (!hasTraffic(r)) {
                return -r.path("handshake").path("allocationsPerSecond").asDouble(Double.NaN);
            }
            if (r.path("config").path("ratePps").asLong() == 0) {
                return -r.path("traffic").path("forwardedPps").asDouble(Double.NaN);
            }
            return rtt(r).path("p99").asDouble(Double.NaN);
        }

        /**
         * The RTT a report shows: corrected for coordinated omission ({@code traffic.rttCorrectedMicros}, schema 2),
         * or as sent ({@code traffic.rttMicros}) in files that have no corrected figures.
         */
        static JsonNode rtt(JsonNode r) {
            JsonNode t = r.path("traffic");
            JsonNode c = t.path("rttCorrectedMicros");
            return c.isObject() ? c : t.path("rttMicros");
        }

        /** The RTT from the moment each probe was actually sent (not corrected). */
        static JsonNode rttAsSent(JsonNode r) {
            return r.path("traffic").path("rttMicros");
        }

        static boolean hasCorrected(JsonNode r) {
            return r.path("traffic").path("rttCorrectedMicros").isObject();
        }

        /** A cold-start run: one with a timeline ({@code --timeline}, compare.sh {@code --cold-start}). */
        static boolean isCold(JsonNode r) {
            return hasTraffic(r) && r.path("traffic").path("timeline").isObject();
        }

        /**
         * Table order: as-fast-as-possible runs, then fixed-rate runs, then cold starts, then handshake-only runs,
         * then idle holds; within each, UDP, TCP, TLS.
         */
        static int kind(JsonNode r) {
            if (isIdle(r)) {
                return 4;
            }
            if (isCold(r)) {
                return 2;
            }
            return !hasTraffic(r) ? 3 : r.path("config").path("ratePps").asLong() == 0 ? 0 : 1;
        }

        static boolean hasTraffic(JsonNode r) {
            return r.hasNonNull("traffic");
        }

        /** An idle-hold run ({@code --hold} without traffic): the idle-connection memory measurement. */
        static boolean isIdle(JsonNode r) {
            return r.hasNonNull("idle") && !hasTraffic(r);
        }

        /** The client transport of a run; files written before transports existed are UDP runs. */
        static String transport(JsonNode r) {
            return r.path("config").path("transport").asText("udp");
        }

        private static int transportOrder(JsonNode r) {
            return switch (transport(r)) {
                case "udp" -> 0;
                case "tcp" -> 1;
                case "tls" -> 2;
                default -> 3;
            };
        }

        static String caseName(JsonNode r) {
            JsonNode c = r.path("config");
            int n = c.path("allocations").asInt();
            String t = transport(r);
            String over = t.equals("udp") ? "" : " over " + t.toUpperCase(Locale.ROOT);
            if (isIdle(r)) {
                return String.format(Locale.ROOT, "%d allocations%s, idle %.0f s", n, over.isEmpty() ? " over UDP"
                        : over, r.path("idle").path("seconds").asDouble());
            }
            if (!hasTraffic(r)) {
                return String.format(Locale.ROOT, "%d allocations%s, handshake only", n, over);
            }
            long rate = c.path("ratePps").asLong();
            String s = String.format(Locale.ROOT, "%d alloc × %d B%s", n, c.path("payload").asInt(), over);
            if (rate > 0) {
                s += " @ " + LoadGenerator.si(rate) + "/s";
            }
            if ("send".equals(c.path("mode").asText())) {
                s += " (send)";
            }
            if (isCold(r)) {
                s += ", cold start";
            }
            return s;
        }

        /**
         * Rows of the comparison table: measurement, one cell per label, ratio of the first two labels. A cell
         * that summarises more than one run ends with {@code (median of N)}; fixed-rate cases with more than one
         * run get an extra row listing the RTT p99 of every run, to show the spread.
         */
        List<List<String>> rows() {
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                String key = e.getKey();
                JsonNode any = e.getValue().values().iterator().next();
                if (isIdle(any)) {
                    rows.add(row(key, key + ": server RSS before (MiB)",
                            r -> r.path("idle").path("rssKbBefore").asDouble(-1) / 1024, false));
                    rows.add(row(key, key + ": server RSS with all idle (MiB)",
                            r -> r.path("idle").path("rssKbIdle").asDouble(-1) / 1024, false));
                    rows.add(row(key, key + ": RSS per idle allocation (KiB)",
                            r -> r.path("idle").path("kbPerAllocation").asDouble(-1), false));
                    rows.add(row(key, key + ": connections open at the end of the hold",
                            r -> r.path("idle").path("openAtEnd").asDouble(-1), false));
                    continue;
                }
                if (!hasTraffic(any)) {
                    rows.add(row(key, key + ": server RSS with all live (MiB)",
                            r -> r.path("server").path("rssKbAllocated").asDouble(-1) / 1024, false));
                    rows.add(row(key, key + ": RSS per allocation (KiB)", r -> {
                        double before = r.path("server").path("rssKbBefore").asDouble(-1);
                        double live = r.path("server").path("rssKbAllocated").asDouble(-1);
                        int ready = r.path("handshake").path("ready").asInt();
                        return before < 0 || live < 0 || ready == 0 ? -1 : (live - before) / ready;
                    }, false));
                    rows.add(row(key, key + ": Allocate handshakes/s",
                            r -> r.path("handshake").path("allocationsPerSecond").asDouble(-1), false));
                    continue;
                }
                if (any.path("config").path("ratePps").asLong() == 0) {
                    rows.add(row(key, key + ": forwarded packets/s",
                            r -> r.path("traffic").path("forwardedPps").asDouble(-1), false));
                    rows.add(row(key, key + ": forwarded per server CPU-second",
                            r -> r.path("server").path("forwardedPerCpuSecond").asDouble(-1), false));
                } else {
                    rows.add(rttRow(key, key + ": RTT p50 / p99 / p99.9 (µs)", true));
                    if (maxRuns(key) > 1) {
                        rows.add(rttPerRunRow(key, key + ": RTT p99 per run (µs)", "p99"));
                        rows.add(rttPerRunRow(key, key + ": RTT p99.9 per run (µs)", "p999"));
                    }
                    rows.add(row(key, key + ": RTT max (µs)", r -> rtt(r).path("max").asDouble(-1), false));
                    if (e.getValue().values().stream().anyMatch(Comparison::hasCorrected)) {
                        rows.add(rttRow(key, key + ": RTT as sent, not corrected: p50 / p99 / p99.9 (µs)", false));
                    }
                    if (isCold(any)) {
                        rows.add(windowsRow(key, key + ": RTT p99 per window, median run (µs)"));
                        rows.add(row(key, key + ": worst window's RTT p99 (µs)", Comparison::worstWindowP99, false));
                    }
                }
                rows.add(row(key, key + ": loss (%)",
                        r -> r.path("traffic").path("lossPercent").asDouble(-1), true));
            }
            return rows;
        }

        /** How many runs of the case a label's cell summarises (0 when the label did not run it). */
        int runCount(String caseKey, String label) {
            List<JsonNode> list = runs.get(caseKey).get(label);
            return list == null ? 0 : list.size();
        }

        private int maxRuns(String caseKey) {
            int max = 0;
            for (String label : labels) {
                max = Math.max(max, runCount(caseKey, label));
            }
            return max;
        }

        /** A cell of the median run, marked with the number of runs it was chosen from when more than one. */
        private String cell(String caseKey, String label, String value) {
            int n = runCount(caseKey, label);
            return n > 1 && !"–".equals(value) ? value + " (median of " + n + ")" : value;
        }

        private List<String> row(String caseKey, String name,
                                 java.util.function.ToDoubleFunction<JsonNode> metric, boolean percent) {
            Map<String, JsonNode> byLabel = cases.get(caseKey);
            List<String> row = new ArrayList<>();
            row.add(name);
            double[] v = new double[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                JsonNode r = byLabel.get(labels.get(i));
                v[i] = r == null ? -1 : metric.applyAsDouble(r);
                row.add(cell(caseKey, labels.get(i),
                        v[i] < 0 ? "–" : percent ? String.format(Locale.ROOT, "%.3f", v[i]) : human(v[i])));
            }
            row.add(!percent && labels.size() >= 2 && v[0] >= 0 && v[1] > 0
                    ? String.format(Locale.ROOT, "%.2f", v[0] / v[1]) : "");
            return row;
        }

        /** The largest p99 of a cold-start run's windows, or -1 without a timeline. */
        static double worstWindowP99(JsonNode r) {
            double worst = -1;
            for (JsonNode w : r.path("traffic").path("timeline").path("windows")) {
                worst = Math.max(worst, w.path("p99").asDouble(-1));
            }
            return worst;
        }

        /** The p99 of every timeline window of the median run per label, "start s: p99" in window order. */
        private List<String> windowsRow(String caseKey, String name) {
            List<String> row = new ArrayList<>();
            row.add(name);
            for (String label : labels) {
                JsonNode r = cases.get(caseKey).get(label);
                if (r == null) {
                    row.add("–");
                    continue;
                }
                List<String> values = new ArrayList<>();
                for (JsonNode w : r.path("traffic").path("timeline").path("windows")) {
                    values.add(String.format(Locale.ROOT, "%.0f", w.path("p99").asDouble()));
                }
                row.add(String.join(" / ", values));
            }
            row.add("");
            return row;
        }

        private List<String> rttRow(String caseKey, String name, boolean corrected) {
            Map<String, JsonNode> byLabel = cases.get(caseKey);
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
                JsonNode rtt = corrected ? rtt(r) : rttAsSent(r);
                p99[i] = rtt.path("p99").asDouble(-1);
                row.add(cell(caseKey, labels.get(i), String.format(Locale.ROOT, "%.0f / %.0f / %.0f",
                        rtt.path("p50").asDouble(), p99[i], rtt.path("p999").asDouble())));
            }
            row.add(p99Ratio(p99));
            return row;
        }

        /**
         * The RTT percentile {@code pct} ({@code p99}, {@code p999}) of every run of a fixed-rate case per label, in
         * file order; the ratio is of the medians' p99.
         */
        private List<String> rttPerRunRow(String caseKey, String name, String pct) {
            Map<String, JsonNode> byLabel = cases.get(caseKey);
            List<String> row = new ArrayList<>();
            row.add(name);
            double[] p99 = new double[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                List<JsonNode> list = runs.get(caseKey).get(labels.get(i));
                if (list == null) {
                    row.add("–");
                    p99[i] = -1;
                    continue;
                }
                List<String> values = new ArrayList<>();
                for (JsonNode r : list) {
                    double v = rtt(r).path(pct).asDouble(-1);
                    values.add(v < 0 ? "–" : String.format(Locale.ROOT, "%.0f", v));
                }
                row.add(String.join(" / ", values));
                p99[i] = rtt(byLabel.get(labels.get(i))).path("p99").asDouble(-1);
            }
            row.add(p99Ratio(p99));
            return row;
        }

        private String p99Ratio(double[] p99) {
            return labels.size() >= 2 && p99[0] >= 0 && p99[1] > 0
                    ? String.format(Locale.ROOT, "%.2f (p99)", p99[0] / p99[1]) : "";
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
            s.append("<p class=\"note\">When a case ran more than once, the median run per label is shown, chosen "
                    + "by the case's key metric (forwarded packets/s as fast as possible, RTT p99 at a fixed rate, "
                    + "Allocate handshakes/s for handshake-only runs); with an even number of runs it is the better "
                    + "of the two middle runs. Every number of a case comes from that one run (runs are not "
                    + "averaged), and its cells say \"(median of N)\". Fixed-rate cases also list the RTT p99 of "
                    + "every run; the table at the end lists every run.</p>\n");
            s.append("<p class=\"note\">Forwarded packets/s = datagrams the server relayed in both directions "
                    + "(client→peer counted at the echo peers, peer→client counted at the clients). RTT = client → "
                    + "relay → echo peer → relay → client on loopback.</p>\n");
            s.append("<p class=\"note\">RTT figures are corrected for coordinated omission where the result files "
                    + "have them (schema 2): at a fixed rate a probe's RTT counts from when the schedule wanted it "
                    + "sent, so a stall of the generator or the server shows in the tail; the rows \"as sent, not "
                    + "corrected\" count from the actual send. Older files have only the latter.</p>\n");

            s.append("<h2>Comparison</h2>\n").append(htmlTable(header(), rows()));
            s.append(ppsChart());
            s.append(rttChart());
            s.append(matrixCharts());
            s.append(coldStartCharts());
            s.append(handshakeCharts());
            s.append(idleChart());
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
                        v[k][g] = r == null ? Double.NaN : rtt(r).path(pct.getKey()).asDouble(Double.NaN);
                    }
                }
                s.append(SvgChart.bars(pct.getValue() + " by allocations, payload and rate", "µs", cats, labels, v,
                        true));
            }
            return s.toString();
        }

        /**
         * The latency matrix: RTT p99 and p99.9 of every run of every fixed-rate case (not cold starts), one dot per
         * run and a bar at the median run, per label.
         */
        private String matrixCharts() {
            List<String> cats = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                JsonNode any = e.getValue().values().iterator().next();
                if (hasTraffic(any) && !isCold(any) && any.path("config").path("ratePps").asLong() > 0) {
                    cats.add(e.getKey());
                    keys.add(e.getKey());
                }
            }
            if (keys.isEmpty() || keys.stream().allMatch(k -> maxRuns(k) < 2)) {
                return "";
            }
            StringBuilder s = new StringBuilder("<h2>Latency matrix: every run</h2>\n<p class=\"note\">One dot per "
                    + "run, the bar at the median run (by p99); corrected RTT.</p>\n");
            for (String[] pct : new String[][] {{"p99", "RTT p99"}, {"p999", "RTT p99.9"}}) {
                double[][][] v = new double[labels.size()][keys.size()][];
                double[][] median = new double[labels.size()][keys.size()];
                for (int k = 0; k < labels.size(); k++) {
                    for (int g = 0; g < keys.size(); g++) {
                        List<JsonNode> list = runs.get(keys.get(g)).getOrDefault(labels.get(k), List.of());
                        v[k][g] = list.stream().mapToDouble(r -> rtt(r).path(pct[0]).asDouble(Double.NaN)).toArray();
                        JsonNode m = cases.get(keys.get(g)).get(labels.get(k));
                        median[k][g] = m == null ? Double.NaN : rtt(m).path(pct[0]).asDouble(Double.NaN);
                    }
                }
                s.append(SvgChart.dots(pct[1] + " per run by allocations and rate", "µs", cats, labels, v, median));
            }
            return s.toString();
        }

        /** Cold starts: the RTT p99 of every window of every run against seconds since the server was ready. */
        private String coldStartCharts() {
            StringBuilder s = new StringBuilder();
            for (Map.Entry<String, Map<String, List<JsonNode>>> e : runs.entrySet()) {
                JsonNode any = e.getValue().values().iterator().next().get(0);
                if (!isCold(any)) {
                    continue;
                }
                List<List<double[][]>> lines = new ArrayList<>();
                for (String label : labels) {
                    List<double[][]> perRun = new ArrayList<>();
                    for (JsonNode r : e.getValue().getOrDefault(label, List.of())) {
                        JsonNode windows = r.path("traffic").path("timeline").path("windows");
                        double[][] xy = new double[windows.size()][];
                        for (int i = 0; i < windows.size(); i++) {
                            JsonNode w = windows.get(i);
                            xy[i] = new double[] {w.path("startSeconds").asDouble(), w.path("p99").asDouble()};
                        }
                        perRun.add(xy);
                    }
                    lines.add(perRun);
                }
                String origin = any.path("traffic").path("timeline").path("origin").asText("measured window");
                s.append(SvgChart.timeline(e.getKey() + ": RTT p99 per "
                        + any.path("traffic").path("timeline").path("windowSeconds").asText() + " s window, one line "
                        + "per run", "seconds after " + origin, "µs", labels, lines));
            }
            return s.length() == 0 ? "" : "<h2>Cold start</h2>\n" + s;
        }

        private String handshakeCharts() {
            List<String> cats = new ArrayList<>();
            List<Map<String, JsonNode>> groups = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                JsonNode any = e.getValue().values().iterator().next();
                if (!hasTraffic(any) && !isIdle(any)) {
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

        private String idleChart() {
            List<String> cats = new ArrayList<>();
            List<Map<String, JsonNode>> groups = new ArrayList<>();
            for (Map.Entry<String, Map<String, JsonNode>> e : cases.entrySet()) {
                if (isIdle(e.getValue().values().iterator().next())) {
                    cats.add(e.getKey());
                    groups.add(e.getValue());
                }
            }
            if (cats.isEmpty()) {
                return "";
            }
            double[][] perAllocation = new double[labels.size()][cats.size()];
            for (int k = 0; k < labels.size(); k++) {
                for (int g = 0; g < cats.size(); g++) {
                    JsonNode r = groups.get(g).get(labels.get(k));
                    double v = r == null ? -1 : r.path("idle").path("kbPerAllocation").asDouble(-1);
                    perAllocation[k][g] = v < 0 ? Double.NaN : v;
                }
            }
            return "<h2>Idle connections</h2>\n"
                    + SvgChart.bars("Server RSS per idle allocation (RSS at the end of the hold minus before the first "
                    + "connection)", "KiB", cats, labels, perAllocation, false);
        }

        private String detailTable() {
            List<String> h = List.of("label", "case", "ready/failed", "alloc/s", "sent", "delivered", "loss %",
                    "forwarded pps", "c→p pps", "p→c pps", "RTT p50 µs", "p99", "p99.9", "max", "p99 as sent",
                    "server CPU %",
                    "fwd per CPU-s", "gen CPU %", "RSS KiB before/live/after", "started");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : results) {
                JsonNode t = r.path("traffic");
                JsonNode rtt = rtt(r);
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
                        traffic ? human(rttAsSent(r).path("p99").asDouble()) : "",
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
