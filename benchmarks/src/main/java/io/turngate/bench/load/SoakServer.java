package io.turngate.bench.load;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The turngate process a soak runs against: started from the built jar on a generated stunnerd v1 config with
 * {@code -w}, its config rewritten on demand, and read from outside the way an operator would: {@code jcmd} for the
 * heap after a full GC, {@code /proc/PID} for RSS, descriptors and threads, its {@code /metrics} for the allocations
 * and the JVM's direct buffers, its log for Netty's {@code LEAK:} reports.
 *
 * <p>The config is STUNner's (stunner-compat §1c): listener {@code soak-udp} (TURN-UDP on 127.0.0.1), static
 * credentials, cluster {@code soak-peers} routing to 127.0.0.1. The change written every reload alternates that
 * cluster's endpoints between {@code [127.0.0.1]} and {@code [127.0.0.1, 127.0.0.2]}: {@code ConfigDiff} sees a
 * changed cluster and no listener change, so {@code Gateway.apply} recompiles the listener's route policy in place
 * and every allocation stays (the echo peers are on 127.0.0.1, which both versions admit).
 *
 * <p>Only the process this class started is ever signalled, through its {@link Process} handle.
 */
final class SoakServer implements AutoCloseable {

    static final String USER = "soak-user";
    static final String REALM = "soak.turngate.invalid";

    private final Path jar;
    private final Path config;
    private final Path log;
    private final List<String> javaOpts;
    private final String password;
    private final int port;
    private final int adminPort;
    private final int healthPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int generation;

    SoakServer(Path jar, Path outDir, List<String> javaOpts, String password) throws IOException {
        this.jar = jar;
        this.config = outDir.resolve("stunnerd.conf");
        this.log = outDir.resolve("turngate.log");
        this.javaOpts = List.copyOf(javaOpts);
        this.password = password;
        this.port = freeUdpPort();
        this.adminPort = freeTcpPort();
        this.healthPort = freeTcpPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    Path log() {
        return log;
    }

    Path config() {
        return config;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The command line, as printed in the report (the password is in the config file, never on it). */
    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-jar", jar.toString(), "-c", config.toString(), "-w", "--unauthenticated-rate", "0"));
        return cmd;
    }

    /** Writes the first config, starts turngate and waits up to {@code timeout} for {@code /ready} to answer 200. */
    void start(Duration timeout) throws IOException, InterruptedException {
        writeConfig();
        process = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("turngate exited with status " + process.exitValue() + " (see " + log + ")");
            }
            if (get("http://127.0.0.1:" + healthPort + "/ready") == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("turngate not ready after " + Durations.format(timeout) + " (see " + log + ")");
    }

    /**
     * Rewrites the config with the other cluster endpoint list (write to a temporary file, then rename, as a
     * ConfigMap volume does); the server's watcher picks it up. Returns the endpoints now written.
     */
    List<String> reload() throws IOException {
        generation++;
        return writeConfig();
    }

    private List<String> writeConfig() throws IOException {
        List<String> endpoints = generation % 2 == 0 ? List.of("127.0.0.1") : List.of("127.0.0.1", "127.0.0.2");
        String text = """
                {
                  "version": "v1",
                  "admin": {"name": "turngate-soak", "loglevel": "all:WARN",
                            "healthcheck_endpoint": "http://127.0.0.1:%d",
                            "metrics_endpoint": "http://127.0.0.1:%d/metrics"},
                  "auth": {"type": "static", "realm": "%s",
                           "credentials": {"username": "%s", "password": "%s"}},
                  "listeners": [{"name": "soak-udp", "protocol": "TURN-UDP", "address": "127.0.0.1", "port": %d,
                                 "routes": ["soak-peers"]}],
                  "clusters": [{"name": "soak-peers", "type": "STATIC", "protocol": "UDP", "endpoints": [%s]}]
                }
                """.formatted(healthPort, adminPort, REALM, USER, password, port,
                String.join(", ", endpoints.stream().map(e -> "\"" + e + "\"").toList()));
        Path tmp = config.resolveSibling(config.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return endpoints;
    }

    /** One reading of the server from outside. Fields that could not be read are -1. */
    record Reading(long heapUsedAfterGcKb, long rssKb, long fds, long threads, long allocationsActive,
                   long directBytes, long directBuffers, long configsApplied, long configsRejected, long leakReports) {
    }

    /**
     * Reads the live heap ({@code jcmd PID GC.class_histogram}: a full GC, then the objects still reachable), then
     * /proc and /metrics.
     */
    Reading read() throws InterruptedException {
        long heap = liveHeapKb(jcmd("GC.class_histogram"));
        long pid = pid();
        String metrics = metrics();
        return new Reading(heap, ProcStats.rssKb(pid), ProcStats.openFiles(pid), ProcStats.threads(pid),
                (long) metric(metrics, "stunner_allocations_active", ""),
                (long) metric(metrics, "jvm_buffer_memory_used_bytes", "id=\"direct\""),
                (long) metric(metrics, "jvm_buffer_count_buffers", "id=\"direct\""),
                (long) metric(metrics, "turngate_config_changes_total", "result=\"applied\""),
                (long) metric(metrics, "turngate_config_changes_total", "result=\"rejected\""),
                leakReports());
    }

    /** Lines of the server's log with Netty's leak report marker {@code LEAK:} (ResourceLeakDetector). */
    long leakReports() {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("LEAK:")).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** The output of {@code jcmd PID command}, or null when jcmd failed or took longer than 30 s. */
    String jcmd(String command) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                    Long.toString(pid()), command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static final Pattern TOTAL_LINE = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$");

    /**
     * The heap after a full GC from {@code GC.class_histogram}: its {@code Total} line (instances, bytes) counts
     * only reachable objects, because without {@code -all} the histogram is taken after a full collection. One jcmd
     * call, so no garbage made between a {@code GC.run} and a {@code GC.heap_info} is counted. -1 when absent.
     */
    static long liveHeapKb(String histogram) {
        if (histogram == null) {
            return -1;
        }
        for (String line : histogram.split("\n")) {
            Matcher m = TOTAL_LINE.matcher(line.trim());
            if (m.find()) {
                return Long.parseLong(m.group(1)) / 1024;
            }
        }
        return -1;
    }

    /** The server's Prometheus text, or "" when it did not answer. */
    String metrics() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + adminPort + "/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The value of the first sample of {@code name} (exactly, followed by a label set or a space) whose labels
     * contain {@code labelPart}; -1 when there is none.
     */
    static double metric(String exposition, String name, String labelPart) {
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!(rest.startsWith("{") || rest.startsWith(" "))) {
                continue;
            }
            String labels = rest.startsWith("{") ? rest.substring(0, rest.indexOf('}') + 1) : "";
            if (!labels.contains(labelPart)) {
                continue;
            }
            String value = rest.substring(labels.length()).trim().split(" ")[0];
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private int get(String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** SIGTERM (turngate drains), a second one after 1 s (it exits at once), SIGKILL after 10 s more. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(1, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "turngate pid %d on %s", pid(), address());
    }
}
