package io.turngate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.server.TestGateways;
import io.turngate.server.TestPeer;
import io.turngate.server.TestTurnClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * turngate as a process, the way Kubernetes runs it: started with stunnerd's flags, probed over HTTP, stopped with
 * SIGTERM. The graceful drain keeps live games relaying and exits 0 when they are gone; a second signal exits at
 * once; bad origins and busy ports give clear errors and exit codes.
 */
@Timeout(90)
class DaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> started = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        for (Process p : started) { // only the processes this test started, by their handle
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path config(int udpPort, int healthPort) throws IOException {
        Path f = tmp.resolve("stunnerd.conf");
        Files.writeString(f, "{\"version\": \"v1\",\n"
                + " \"admin\": {\"name\": \"testns/gateway\", \"healthcheck_endpoint\": \"http://127.0.0.1:" + healthPort + "\"},\n"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"turngate.test\",\n"
                + "          \"credentials\": {\"username\": \"user-1\", \"password\": \"pass-1\"}},\n"
                + " \"listeners\": [{\"name\": \"testns/gateway/udp-listener\", \"protocol\": \"TURN-UDP\",\n"
                + "                \"address\": \"127.0.0.1\", \"port\": " + udpPort + ", \"routes\": [\"workers\"]}],\n"
                + " \"clusters\": [{\"name\": \"workers\", \"type\": \"STATIC\", \"endpoints\": [\"127.0.0.1\"]}]}\n");
        return f;
    }

    /** A turngate process; its stdout and stderr go to {@code log}. */
    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.turngate.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("STUNNER_CONFIG_ORIGIN");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean await(BooleanSupplier c, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.getAsBoolean();
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String body(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void signal(Process p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + sig + " " + p.pid());
    }

    private record Running(Process process, Path log, int udp, int health) {
    }

    private Running startAndWaitReady(String... extra) throws Exception {
        int udp = TestGateways.freeUdpPort();
        int health = freeTcpPort();
        Path log = tmp.resolve("turngate-" + started.size() + ".log");
        List<String> args = new ArrayList<>(List.of("-c", config(udp, health).toString()));
        args.addAll(List.of(extra));
        Process p = start(log, args.toArray(new String[0]));
        assertTrue(await(() -> status(health, "/ready") == 200, 40_000), "not ready in 40 s:\n" + read(log));
        return new Running(p, log, udp, health);
    }

    @Test
    void sigtermDrainsKeepsRelayingAndExitsZeroWhenTheLastAllocationIsGone() throws Exception {
        Running r = startAndWaitReady();
        TestPeer echo = TestPeer.echo();
        open.add(echo);
        TestTurnClient game = TestTurnClient.of(r.udp(), "user-1", "pass-1");
        open.add(game);
        game.allocateOrFail();
        assertTrue(game.channelBind(0x4000, echo.address()).isSuccess());

        signal(r.process(), "TERM");
        assertTrue(await(() -> status(r.health(), "/ready") == 503, 5000), "/ready must turn 503:\n" + read(r.log()));
        assertEquals("TERMINATING", JSON.readTree(body(r.health(), "/status")).path("status").asText());
        assertEquals(200, status(r.health(), "/live"));
        for (int i = 0; i < 5; i++) {
            game.sendChannelData(0x4000, new byte[] {(byte) i});
            assertNotNull(game.receive(2000), "the live game keeps relaying while draining");
        }
        TestTurnClient late = TestTurnClient.of(r.udp(), "user-1", "pass-1");
        open.add(late);
        assertTrue(late.allocate().isSuccess(), "new allocations are still served while draining (stunnerd's rule)");
        assertTrue(r.process().isAlive(), "exited with allocations left:\n" + read(r.log()));

        assertTrue(game.refresh(0).isSuccess());
        Thread.sleep(700);
        assertTrue(r.process().isAlive(), "one allocation is left");
        assertTrue(late.refresh(0).isSuccess());
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS), "did not exit after the last allocation:\n" + read(r.log()));
        assertEquals(0, r.process().exitValue(), read(r.log()));
        String log = read(r.log());
        assertTrue(log.contains("shutting down gracefully"), log);
        assertTrue(log.contains("drained: no allocation left"), log);
        assertFalse(log.contains("pass-1"), "the log must never show a password");
    }

    @Test
    void aWatchedConfigMovesTheHealthServerLiveAndABrokenEditKeepsServing() throws Exception {
        Running r = startAndWaitReady("-w");
        TestPeer echo = TestPeer.echo();
        open.add(echo);
        TestTurnClient game = TestTurnClient.of(r.udp(), "user-1", "pass-1");
        open.add(game);
        game.allocateOrFail();
        assertTrue(game.channelBind(0x4000, echo.address()).isSuccess());

        int moved = freeTcpPort();
        Path cfg = tmp.resolve("stunnerd.conf");
        Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:" + r.health(), "127.0.0.1:" + moved));
        assertTrue(await(() -> status(moved, "/ready") == 200, 10_000), "the health server did not move:\n" + read(r.log()));
        // The new server binds first and the old one closes right after (a busy new port keeps the old one).
        assertTrue(await(() -> status(r.health(), "/live") == -1, 3000), "the old health port is closed");
        game.sendChannelData(0x4000, new byte[] {1});
        assertNotNull(game.receive(2000), "the game survives an admin change");

        Files.writeString(cfg, "{\"version\": \"v1\", \"listeners\": [{\"name\": \"x\", \"port\": 70000}]}");
        assertTrue(await(() -> read(r.log()).contains("could not reconcile new configuration (running configuration"
                + " unchanged)"), 10_000), read(r.log()));
        assertEquals(200, status(moved, "/ready"));
        game.sendChannelData(0x4000, new byte[] {2});
        assertNotNull(game.receive(2000), "the running config keeps serving after a broken edit");
        assertTrue(read(r.log()).contains("listeners[0].port: 70000 (expected: 1..65535)"), read(r.log()));
    }

    @Test
    void aSecondSignalExitsAtOnce() throws Exception {
        Running r = startAndWaitReady();
        TestTurnClient game = TestTurnClient.of(r.udp(), "user-1", "pass-1");
        open.add(game);
        game.allocateOrFail();
        signal(r.process(), "TERM");
        assertTrue(await(() -> read(r.log()).contains("shutting down gracefully"), 5000), read(r.log()));
        signal(r.process(), "INT");
        assertTrue(r.process().waitFor(5, TimeUnit.SECONDS), "the second signal must end the process");
        assertEquals(Signals.EXIT_SECOND_SIGNAL, r.process().exitValue());
    }

    @Test
    void theDrainTimeoutEndsADrainWithAllocationsLeft() throws Exception {
        Running r = startAndWaitReady("--drain-timeout", "1s", "--force-ready-status");
        TestTurnClient game = TestTurnClient.of(r.udp(), "user-1", "pass-1");
        open.add(game);
        game.allocateOrFail();
        long t0 = System.nanoTime();
        signal(r.process(), "TERM");
        Thread.sleep(300);
        assertEquals(200, status(r.health(), "/ready"), "--force-ready-status keeps /ready at 200 while draining");
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.process().exitValue());
        assertTrue(ms >= 900, "exited after " + ms + " ms, before the 1 s drain timeout");
        assertTrue(read(r.log()).contains("drain timeout reached with 1 allocation(s) left"), read(r.log()));
    }

    @Test
    void theWarmUpRunsBeforeReadyAndSaysWhatItDid() throws Exception {
        int udp = TestGateways.freeUdpPort();
        int health = freeTcpPort();
        Path log = tmp.resolve("turngate-warm-up.log");
        Process p = start(log, "-c", config(udp, health).toString(), "--warm-up-time", "3s");
        // Whenever /live answers and the warm-up has not said it ended, /ready must not be 200.
        boolean live = false;
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end && !read(log).contains("self-warm-up: ")) {
            int ready = status(health, "/ready");
            boolean ended = read(log).contains("self-warm-up: "); // read after the probe: the probe saw no end yet
            if (ready != -1 && !ended) {
                live = true;
                assertEquals(503, ready, "ready before the warm-up ended:\n" + read(log));
            }
            Thread.sleep(20);
        }
        assertTrue(await(() -> status(health, "/ready") == 200, 40_000), "not ready in 40 s:\n" + read(log));
        String text = read(log);
        int warm = text.indexOf("self-warm-up: ");
        int ready = text.indexOf("turngate ready");
        assertTrue(warm > 0 && ready > warm, "the warm-up line comes before the ready line:\n" + text);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("self-warm-up: (\\d+) datagrams relayed").matcher(text);
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, text);
        assertTrue(text.matches("(?s).*self-warm-up: [^\n]*; start-up garbage collected in \\d+ ms\n.*"),
                "one full collection before /ready:\n" + text);
        System.err.println("DaemonTest warm-up: " + text.substring(warm, text.indexOf('\n', warm))
                + (live ? " (/ready probed 503 during it)" : " (ended before /live answered)"));
        signal(p, "TERM");
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void noWarmUpMeansNoWarmUpLine() throws Exception {
        Running r = startAndWaitReady("--no-warm-up");
        assertTrue(!read(r.log()).contains("self-warm-up: "), read(r.log()));
        signal(r.process(), "TERM");
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void jsonLogLinesAreOneObjectEach() throws Exception {
        Running r = startAndWaitReady("--log-format", "json", "-l", "all:INFO");
        signal(r.process(), "TERM");
        assertTrue(r.process().waitFor(10, TimeUnit.SECONDS));
        List<String> lines = Files.readAllLines(r.log());
        assertTrue(lines.size() >= 3, lines.toString());
        boolean sawReady = false;
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            assertTrue(o.has("level") && o.has("loggerName") && o.has("formattedMessage"), line);
            sawReady |= o.path("formattedMessage").asText().startsWith("turngate ready");
        }
        assertTrue(sawReady, lines.toString());
    }

    @Test
    void aConfigDiscoveryServiceThatCannotBeReachedIsAClearErrorWithoutWatch() throws Exception {
        int closed = freeTcpPort();
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: t\n"
                + "clusters: [{name: t, cluster: {server: \"http://127.0.0.1:" + closed + "\"}}]\n"
                + "contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]\n"
                + "users: [{name: t, user: {token: t}}]\n");
        String[][] cases = {
            {"-c", "http://127.0.0.1:" + closed, "-i", "testns/gateway"},
            {"-c", "127.0.0.1:" + closed, "-i", "testns/gateway"},
            {"-c", "k8s", "--cds-server-address", "127.0.0.1", "--cds-server-port", "" + closed, "-i", "testns/gateway"},
            {"-c", "k8s", "-i", "testns/gateway"},
        };
        for (String[] args : cases) {
            Path log = tmp.resolve("origin.log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.turngate.cli.Main"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().remove("STUNNER_CONFIG_ORIGIN");
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            Process p = pb.start();
            started.add(p);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", args));
            String out = read(log);
            assertEquals(2, p.exitValue(), String.join(" ", args) + ": " + out);
            assertTrue(out.contains("turngate: no config: "), out);
            if (args[1].equals("k8s") && args.length == 4) {
                assertTrue(out.contains("listing pods labelled stunner.l7mp.io/config-discovery-service=enabled"), out);
            } else {
                assertTrue(out.contains("GET http://127.0.0.1:" + closed + "/api/v1/configs/testns/gateway"), out);
            }
            assertFalse(out.contains("no such file"), out);
        }
    }

    @Test
    void aBusyPortSaysCannotBindAndExitsOne() throws Exception {
        try (java.net.DatagramSocket busy = new java.net.DatagramSocket(new InetSocketAddress(0))) {
            Path log = tmp.resolve("busy.log");
            Process p = start(log, "-c", config(busy.getLocalPort(), freeTcpPort()).toString());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String out = read(log);
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains("cannot bind UDP port " + busy.getLocalPort()), out);
            assertFalse(out.contains("invalid config"), out);
        }
    }

    @Test
    void checkAndTheGatewayReadTheOriginFromTheEnvironment() throws Exception {
        Path cfg = config(TestGateways.freeUdpPort(), freeTcpPort());
        Path log = tmp.resolve("env.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.turngate.cli.Main", "check")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("STUNNER_CONFIG_ORIGIN", cfg.toString());
        Process p = pb.start();
        started.add(p);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), read(log));
        assertTrue(read(log).contains("# " + cfg + ": valid stunnerd config"), read(log));
    }

    @Test
    void dryRunValidatesWithoutOpeningSockets() throws Exception {
        int udp = TestGateways.freeUdpPort();
        int health = freeTcpPort();
        Path log = tmp.resolve("dry.log");
        Process p = start(log, "-d", "-c", config(udp, health).toString());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), read(log));
        assertTrue(read(log).contains("dry run: config valid: 1 listener(s), 1 cluster(s)"), read(log));
        assertTrue(TestGateways.udpPortIsFree(udp));

        Files.writeString(tmp.resolve("broken.conf"), "{\"version\": \"v1\", \"listeners\": [{\"port\": 70000}]}");
        Process bad = start(log, "-d", "-c", tmp.resolve("broken.conf").toString());
        assertTrue(bad.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), read(log));
        assertTrue(read(log).contains("70000 (expected: 1..65535)"), read(log));
    }
}
