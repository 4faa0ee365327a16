package io.turngate.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogCapture;
import io.turngate.interop.browser.Prerequisites;
import io.turngate.interop.browser.SceneRun;
import io.turngate.interop.browser.TestNetns;
import io.turngate.server.Gateway;

/**
 * The scene turngate exists for (the CloudRetro demo): a browser in relay-only ICE mode reaches a game worker's
 * private address through the gateway, and nothing else is reachable.
 *
 * <p>Headless Chromium ({@code iceTransportPolicy: "relay"}, the gateway as its only ICE server on
 * {@code turn:127.0.0.1:PORT?transport=udp}) answers a worker that has one host candidate, on the far end of a
 * veth pair inside a network namespace made for this test. The gateway, in-process, listens on the wildcard
 * address and advertises the near end of the veth as its relay address; its one route names the worker's address
 * (allowed scene) or a /30 beside it (refused scene). Node runs both the browser ({@code scene.js}, through
 * playwright-core) and the worker ({@code worker.js}, {@code @roamhq/wrtc}).
 *
 * <p>Needs root, iproute2, Chromium, Node and {@code npm ci} in {@code turn-server/src/test/browser}; without
 * them it is skipped with a banner, except on CI ({@code CI=true}) where it fails.
 */
@Tag("interop")
class BrowserSceneTest {
    private static final String USER = "user-1";
    private static final String PASS = "pass-1";
    private static final String LISTENER = "browser-scene/udp";
    /** Data-channel messages echoed one at a time (the issue asks for at least 200). */
    private static final int MESSAGES = 300;
    /** Decoded video frames wanted: two seconds of the worker's 30 fps. */
    private static final int FRAMES = 60;
    /** Bound on one scene's Node side; two scenes stay well inside two minutes in practice (~10 s). */
    private static final Duration SCENE_LIMIT = Duration.ofSeconds(50);

    private static TestNetns netns;

    /**
     * Checked before each scene rather than once for the class, so that a machine without the tools reports
     * every scene as skipped (or, on CI, failed) instead of reporting no test at all.
     */
    @BeforeEach
    void machine() {
        Prerequisites.requireSceneTools();
        if (netns == null) {
            try {
                netns = TestNetns.create();
            } catch (IOException e) {
                Prerequisites.require(false, "a test network namespace (" + e.getMessage() + ")");
            }
            System.err.println("browser scenes: " + netns);
        }
    }

    @AfterAll
    static void removeNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    @Timeout(value = 58, unit = TimeUnit.SECONDS)
    void allowedSceneRelaysDataAndVideoToTheWorker(@TempDir Path tmp) throws Exception {
        String worker = netns.workerAddress().getHostAddress();
        String relay = netns.hostAddress().getHostAddress();
        int port = freeUdpPort();
        try (LogCapture log = LogCapture.attach(); Gateway gw = Gateway.start(config(port, relay, worker))) {
            AtomicInteger atAnswer = new AtomicInteger(-1);
            try (SceneRun scene = SceneRun.start(options("allowed", port), tmp, () -> atAnswer.set(gw.allocationCount()))) {
                JsonNode r = scene.awaitResult(SCENE_LIMIT.plusSeconds(5));
                String why = "\n--- scene transcript ---\n" + scene.transcript() + "--- gateway log ---\n"
                        + String.join("\n", log.lines());
                assertNotNull(r, "the scene printed no result" + why);
                assertFalse(r.has("error"), "scene error: " + r.path("error").asText() + why);

                JsonNode pair = r.path("selectedPair");
                assertEquals("relay", pair.path("local").path("type").asText(),
                        "the client's selected pair, local candidate type" + why);
                assertEquals(relay, pair.path("local").path("address").asText(),
                        "the relay address the gateway advertised (expected: the listener address)" + why);
                assertEquals("host", pair.path("remote").path("type").asText(), "remote candidate type" + why);
                assertEquals(worker, pair.path("remote").path("address").asText(), "remote candidate address" + why);

                JsonNode echo = r.path("echo");
                assertEquals(MESSAGES, echo.path("sent").asInt(), "messages sent" + why);
                assertEquals(MESSAGES, echo.path("received").asInt(), "messages echoed back" + why);
                assertEquals(0, echo.path("lost").asInt(), "messages lost" + why);

                JsonNode video = r.path("video");
                assertTrue(video.path("framesDecoded").asInt() >= FRAMES,
                        "decoded frames " + video.path("framesDecoded").asInt() + " (expected: >= " + FRAMES + ")" + why);
                assertTrue(atAnswer.get() >= 1, "allocations while the call was set up: " + atAnswer.get()
                        + " (expected: >= 1)" + why);
                assertEquals(List.of(), log.matching("permission denied"), "refusals in the allowed scene" + why);

                JsonNode rtt = echo.path("rttMs");
                System.out.printf("browser scene (allowed): relay pair %s:%d -> %s:%d, %d/%d echoed, "
                                + "RTT p50 %.3f ms p99 %.3f ms (min %.3f, max %.3f), %d frames decoded %dx%d, %d painted%n",
                        pair.path("local").path("address").asText(), pair.path("local").path("port").asInt(),
                        pair.path("remote").path("address").asText(), pair.path("remote").path("port").asInt(),
                        echo.path("received").asInt(), echo.path("sent").asInt(),
                        rtt.path("p50").asDouble(), rtt.path("p99").asDouble(), rtt.path("min").asDouble(),
                        rtt.path("max").asDouble(), video.path("framesDecoded").asInt(),
                        video.path("frameWidth").asInt(), video.path("frameHeight").asInt(), video.path("painted").asInt());
                int left = awaitAllocations(gw, Duration.ofSeconds(5));
                System.out.println("browser scene (allowed): allocations after the browser closed: " + left);
            }
        }
    }

    @Test
    @Timeout(value = 58, unit = TimeUnit.SECONDS)
    void refusedSceneFailsIceLogsOneDenialAndReleasesTheAllocation(@TempDir Path tmp) throws Exception {
        String worker = netns.workerAddress().getHostAddress();
        String relay = netns.hostAddress().getHostAddress();
        // The route names the /30 after the test's own: the worker's address is outside every route.
        String[] q = worker.split("\\.");
        String elsewhere = q[0] + "." + q[1] + "." + q[2] + "." + ((Integer.parseInt(q[3]) & ~3) + 4) + "/30";
        int port = freeUdpPort();
        try (LogCapture log = LogCapture.attach(); Gateway gw = Gateway.start(config(port, relay, elsewhere))) {
            AtomicInteger atAnswer = new AtomicInteger(-1);
            try (SceneRun scene = SceneRun.start(options("refused", port), tmp, () -> atAnswer.set(gw.allocationCount()))) {
                JsonNode r = scene.awaitResult(SCENE_LIMIT.plusSeconds(5));
                String why = "\n--- scene transcript ---\n" + scene.transcript() + "--- gateway log ---\n"
                        + String.join("\n", log.lines());
                assertNotNull(r, "the scene printed no result" + why);
                assertFalse(r.has("error"), "scene error: " + r.path("error").asText() + why);

                JsonNode fin = r.path("final");
                assertTrue("failed".equals(fin.path("ice").asText()) || "failed".equals(fin.path("connection").asText()),
                        "ICE/connection state " + fin + " (expected: failed)" + why);
                assertTrue(r.path("selectedPair").isNull() || r.path("selectedPair").isMissingNode(),
                        "a pair was selected: " + r.path("selectedPair") + why);
                assertTrue(atAnswer.get() >= 1, "allocations while the call was set up: " + atAnswer.get()
                        + " (expected: >= 1)" + why);

                int left = awaitAllocations(gw, Duration.ofSeconds(5));
                List<String> denied = log.matching("permission denied");
                assertEquals(1, denied.size(), "permission-denied lines " + denied + " (expected: exactly one)" + why);
                assertTrue(denied.get(0).contains(worker) && denied.get(0).contains(LISTENER),
                        "the denial names listener and peer: " + denied.get(0) + why);
                assertEquals(0, left, "allocations left after the browser closed its PeerConnection" + why);
                System.out.printf("browser scene (refused): %s after %d ms; gateway said: %s; allocations %d -> %d%n",
                        fin, r.path("failedMs").asLong(), denied.get(0), atAnswer.get(), left);
            }
        }
    }

    private static SceneRun.Options options(String mode, int port) {
        return new SceneRun.Options(mode, "127.0.0.1:" + port, USER, PASS, netns, MESSAGES, FRAMES, SCENE_LIMIT);
    }

    /** One TURN-UDP listener advertising {@code relay}, one static cluster with {@code endpoint}. */
    private static StunnerConfig config(int port, String relay, String endpoint) throws Exception {
        String json = "{\"version\":\"v1\","
                + "\"admin\":{\"name\":\"browser-scene\",\"loglevel\":\"all:INFO\",\"healthcheck_endpoint\":\"\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"stunner.l7mp.io\","
                + "\"credentials\":{\"username\":\"" + USER + "\",\"password\":\"" + PASS + "\"}},"
                + "\"listeners\":[{\"name\":\"" + LISTENER + "\",\"protocol\":\"TURN-UDP\","
                + "\"address\":\"" + relay + "\",\"port\":" + port + ",\"routes\":[\"browser-scene/worker\"]}],"
                + "\"clusters\":[{\"name\":\"browser-scene/worker\",\"type\":\"STATIC\",\"protocol\":\"UDP\","
                + "\"endpoints\":[\"" + endpoint + "\"]}]}";
        return ConfigLoader.parse(json, Map.of());
    }

    /** Polls until the gateway holds no allocation or {@code limit} passes; the count last seen. */
    private static int awaitAllocations(Gateway gw, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int n = gw.allocationCount();
        while (n > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            n = gw.allocationCount();
        }
        return n;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
