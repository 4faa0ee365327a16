package io.turngate.cli;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * turngate as STUNner's operator runs its dataplane: a process started with the Dataplane's args
 * ({@code -w --udp-thread-num=16}) and the pod's environment ({@code STUNNER_CONFIG_ORIGIN},
 * {@code STUNNER_NAMESPACE}, {@code STUNNER_NAME}, {@code STUNNER_NODENAME}), following {@link CdsTestServer}: not
 * ready before the first config, then serving the pushed listener, moving it, keeping allocations through a route
 * change, ignoring a zero config and a garbage frame, and riding out the server going away.
 */
@Timeout(120)
class CdsDaemonTest {
    private static final String ID = "testns/gateway";
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

    /** The config the operator would render for the Gateway: one TURN-UDP listener, one STATIC cluster. */
    private static String config(int udpPort, int healthPort, String... endpoints) {
        StringBuilder eps = new StringBuilder();
        for (String e : endpoints) {
            eps.append(eps.length() == 0 ? "" : ",").append('"').append(e).append('"');
        }
        return "{\"version\":\"v1\",\"admin\":{\"name\":\"" + ID + "\",\"loglevel\":\"all:INFO\","
                + "\"healthcheck_endpoint\":\"http://127.0.0.1:" + healthPort + "\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"stunner.l7mp.io\",\"credentials\":{\"password\":\"pass-1\","
                + "\"username\":\"user-1\"}},"
                + "\"listeners\":[{\"name\":\"" + ID + "/udp-listener\",\"protocol\":\"TURN-UDP\",\"address\":\""
                + CdsTestServer.PLACEHOLDER + "\",\"port\":" + udpPort + ",\"routes\":[\"testns/workers\"]}],"
                + "\"clusters\":[{\"name\":\"testns/workers\",\"type\":\"STATIC\",\"endpoints\":[" + eps + "]}]}";
    }

    private record Daemon(Process process, Path log, int health) {
    }

    /** turngate with the operator's args and env, against {@code cds}. */
    private Daemon start(CdsTestServer cds) throws IOException {
        return start(cds.origin(), Map.of());
    }

    private Daemon start(String origin, Map<String, String> moreEnv, String... moreArgs) throws IOException {
        int health = freeTcpPort();
        Path log = tmp.resolve("turngate-" + started.size() + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.turngate.cli.Main", "-w", "--udp-thread-num=16"));
        cmd.addAll(List.of(moreArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(moreEnv);
        env.put("STUNNER_CONFIG_ORIGIN", origin);
        env.put("STUNNER_NAMESPACE", "testns");
        env.put("STUNNER_NAME", "gateway");
        env.put("STUNNER_NODENAME", "node-1");
        env.put("STUNNER_ADDR", "127.0.0.1");
        env.put(Main.BOOTSTRAP_HEALTHCHECK_ENV, "http://127.0.0.1:" + health);
        Process p = pb.start();
        started.add(p);
        return new Daemon(p, log, health);
    }

    private CdsTestServer cds() throws InterruptedException {
        CdsTestServer s = new CdsTestServer().start(0);
        s.node("node-1", "127.0.0.1");
        open.add(s);
        return s;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean await(BooleanSupplier c, long millis) throws InterruptedException {
        return TestGateways.await(c, millis);
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

    /** Allocates and binds a channel to {@code peer}; checks one round trip. */
    private TestTurnClient game(int udpPort, TestPeer peer, Daemon d) {
        TestTurnClient game = TestTurnClient.of(udpPort, "user-1", "pass-1");
        open.add(game);
        InetSocketAddress relayed;
        try {
            relayed = game.allocateOrFail();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " on port " + udpPort + "; turngate's log:\n" + read(d.log()), e);
        }
        assertEquals("127.0.0.1", relayed.getAddress().getHostAddress(), "the node's address replaced the placeholder");
        TestTurnClient.Response bound = game.channelBind(0x4000, peer.address());
        assertTrue(bound.isSuccess(), "ChannelBind on port " + udpPort + ": " + bound + "; turngate's log:\n"
                + read(d.log()));
        relays(game, (byte) 0);
        return game;
    }

    private static void relays(TestTurnClient game, byte b) {
        game.sendChannelData(0x4000, new byte[] {b});
        assertNotNull(game.receive(2000), "no relayed answer");
    }

    /**
     * The listener moved from {@code from} to {@code to}: one more config was applied (so all its SO_REUSEPORT
     * sockets are bound: a client's 5-tuple hashes to one socket only while the group is complete), the old port
     * is free and the new one bound.
     */
    private static boolean moved(Daemon d, int appliedBefore, int from, int to) {
        return count(read(d.log()), "config applied") > appliedBefore && TestGateways.udpPortIsFree(from)
                && !TestGateways.udpPortIsFree(to);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void notReadyBeforeTheFirstConfigThenServesItMovesItAndKeepsAllocationsThroughARouteChange() throws Exception {
        CdsTestServer cds = cds();
        Daemon d = start(cds);
        assertTrue(await(() -> status(d.health(), "/live") == 200, 20_000), "no health server:\n" + read(d.log()));
        assertTrue(await(() -> cds.watching() == 1, 40_000), "no watch:\n" + read(d.log()));
        assertEquals(503, status(d.health(), "/ready"), "not ready on the zero config it boots on");
        assertEquals("GET /api/v1/configs/testns/gateway?node=node-1&watch=true", cds.requests.get(0));
        assertEquals(List.of(cds.origin()), cds.origins);

        TestPeer echo = TestPeer.echo();
        open.add(echo);
        int udp = TestGateways.freeUdpPort();
        cds.upsert(ID, config(udp, d.health(), "127.0.0.1"));
        assertTrue(await(() -> status(d.health(), "/ready") == 200, 40_000), "not ready:\n" + read(d.log()));
        TestTurnClient game = game(udp, echo, d);

        // A route change (one more endpoint): in place, the allocation keeps relaying.
        int applied = count(read(d.log()), "config applied");
        cds.upsert(ID, config(udp, d.health(), "127.0.0.1", "10.99.0.0/16"));
        assertTrue(await(() -> count(read(d.log()), "config applied") > applied, 10_000), read(d.log()));
        relays(game, (byte) 1);
        assertTrue(game.refresh(600).isSuccess(), "the allocation survived the route change");

        // A new port: the listener moves (its allocations go, as in stunnerd), the new port serves.
        int moved = TestGateways.freeUdpPort();
        int appliedBefore = count(read(d.log()), "config applied");
        cds.upsert(ID, config(moved, d.health(), "127.0.0.1", "10.99.0.0/16"));
        assertTrue(await(() -> moved(d, appliedBefore, udp, moved), 10_000), "the old port stays bound:\n" + read(d.log()));
        game(moved, echo, d);
        assertEquals(1, cds.upgrades.get(), "one watch connection all along");
        assertEquals(200, status(d.health(), "/ready"));
        assertFalse(read(d.log()).contains("pass-1"), "the log must never show a password");
    }

    @Test
    void aZeroConfigAndAGarbageFrameAreIgnoredAndTheRunningConfigKeepsServing() throws Exception {
        CdsTestServer cds = cds();
        Daemon d = start(cds);
        TestPeer echo = TestPeer.echo();
        open.add(echo);
        int udp = TestGateways.freeUdpPort();
        cds.upsert(ID, config(udp, d.health(), "127.0.0.1"));
        assertTrue(await(() -> status(d.health(), "/ready") == 200, 40_000), "not ready:\n" + read(d.log()));
        TestTurnClient game = game(udp, echo, d);

        cds.delete(ID);
        assertTrue(await(() -> read(d.log()).contains("ignoring a zero config"), 10_000), read(d.log()));
        relays(game, (byte) 1);
        assertEquals(200, status(d.health(), "/ready"), "still ready: the zero config was not applied");

        cds.pushRaw(ID, "{\"version\": \"v1\", \"listeners\": [{\"name\": \"x\", \"port\": 70000}");
        cds.pushRaw(ID, config(70000, d.health(), "127.0.0.1"));
        assertTrue(await(() -> read(d.log()).contains("70000 (expected: 1..65535)"), 10_000), read(d.log()));
        assertTrue(read(d.log()).contains("could not reconcile new configuration (running configuration unchanged)"),
                read(d.log()));
        relays(game, (byte) 2);

        int moved = TestGateways.freeUdpPort();
        int appliedBefore = count(read(d.log()), "config applied");
        cds.upsert(ID, config(moved, d.health(), "127.0.0.1"));
        assertTrue(await(() -> moved(d, appliedBefore, udp, moved), 10_000), "the next good push was not applied:\n"
                + read(d.log()));
        game(moved, echo, d);
        assertEquals(1, cds.upgrades.get(), "the garbage did not drop the connection:\n" + read(d.log()));
    }

    @Test
    void theGatewayRidesOutTheServerGoingAwayAndFollowsItWhenItComesBack() throws Exception {
        CdsTestServer cds = cds();
        Daemon d = start(cds);
        TestPeer echo = TestPeer.echo();
        open.add(echo);
        int udp = TestGateways.freeUdpPort();
        cds.upsert(ID, config(udp, d.health(), "127.0.0.1"));
        assertTrue(await(() -> status(d.health(), "/ready") == 200, 40_000), "not ready:\n" + read(d.log()));
        TestTurnClient game = game(udp, echo, d);

        int port = cds.port();
        cds.stop();
        assertTrue(await(() -> read(d.log()).contains("lost"), 10_000), read(d.log()));
        Thread.sleep(2500); // a few refused reconnects
        relays(game, (byte) 1);
        assertEquals(200, status(d.health(), "/ready"), "a lost CDS does not make the gateway unready");

        CdsTestServer back = new CdsTestServer().start(port);
        back.node("node-1", "127.0.0.1");
        open.add(back);
        int moved = TestGateways.freeUdpPort();
        int appliedBefore = count(read(d.log()), "config applied");
        back.upsert(ID, config(moved, d.health(), "127.0.0.1"));
        assertTrue(await(() -> back.watching() == 1, 10_000), "no reconnect:\n" + read(d.log()));
        assertTrue(await(() -> moved(d, appliedBefore, udp, moved), 10_000), "the config after the outage was not applied:\n"
                + read(d.log()));
        game(moved, echo, d);
        String log = read(d.log());
        assertTrue(log.contains("failed attempt(s)"), log);
    }

    @Test
    void minusCK8sFindsTheOperatorsPodThroughTheKubernetesApiAndFollowsItsCdsOverAPortForward() throws Exception {
        CdsTestServer cds = cds();
        String pod = "stunner-system/stunner-gateway-operator-controller-manager-0";
        FakeKubeApi api = new FakeKubeApi(List.of(pod), cds.port()).start();
        open.add(api);
        Daemon d = start("k8s", Map.of("KUBECONFIG", api.kubeconfig(tmp).toString()));
        assertTrue(await(() -> cds.watching() == 1, 40_000), "no watch through the port-forward:\n" + read(d.log()));
        assertEquals("GET /api/v1/pods?labelSelector=stunner.l7mp.io/config-discovery-service=enabled",
                java.net.URLDecoder.decode(api.requests.get(0), StandardCharsets.UTF_8),
                "pods labelled as the CDS, in any namespace");
        assertTrue(api.requests.get(1).startsWith("GET /api/v1/namespaces/stunner-system/pods/"
                + "stunner-gateway-operator-controller-manager-0/portforward?ports=13478"), api.requests.toString());
        assertEquals(503, status(d.health(), "/ready"));

        TestPeer echo = TestPeer.echo();
        open.add(echo);
        int udp = TestGateways.freeUdpPort();
        cds.upsert(ID, config(udp, d.health(), "127.0.0.1"));
        assertTrue(await(() -> status(d.health(), "/ready") == 200, 40_000), "not ready:\n" + read(d.log()));
        game(udp, echo, d);
        assertTrue(read(d.log()).contains("pod " + pod + " port 13478 (port-forwarded)"), read(d.log()));
    }
}
