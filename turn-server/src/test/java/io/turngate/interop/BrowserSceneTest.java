package io.turngate.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogCapture;
import io.turngate.interop.browser.Prerequisites;
import io.turngate.interop.browser.ProfileTrust;
import io.turngate.interop.browser.SceneRun;
import io.turngate.interop.browser.TestCa;
import io.turngate.interop.browser.TestNetns;
import io.turngate.server.Gateway;
import io.turngate.server.TestGateways;
import io.turngate.server.TestTlsEngines;
import io.turngate.server.TlsEngine;

/**
 * The scene turngate exists for (the CloudRetro demo): a browser in relay-only ICE mode reaches a game worker's
 * private address through the gateway, and nothing else is reachable.
 *
 * <p>Headless Chromium ({@code iceTransportPolicy: "relay"}, the gateway as its only ICE server) answers a worker
 * that has one host candidate, on the far end of a veth pair inside a network namespace made for this test. The
 * gateway, in-process, listens on the wildcard address and advertises the near end of the veth as its relay
 * address; its one route names the worker's address (allowed scene) or a /30 beside it (refused scene). Node runs
 * both the browser ({@code scene.js}, through playwright-core) and the worker ({@code worker.js},
 * {@code @roamhq/wrtc}).
 *
 * <p>Each scene runs once per client transport ({@link Transport}): TURN over UDP
 * ({@code turn:127.0.0.1:PORT?transport=udp}), TCP ({@code turn:127.0.0.1:PORT?transport=tcp}, RFC 8656 §3.1) and
 * TLS ({@code turns:localhost:PORT?transport=tcp}), TLS once with each engine ({@link TlsEngine}: OpenSSL and the
 * JDK's). The relay side is UDP in all of them. The allowed scene checks
 * the {@code relayProtocol} of the local candidate of the selected pair, as Chromium's {@code getStats()} reports it
 * ({@code udp}, {@code tcp}, {@code tls}), so a scene cannot pass over another transport than its own.
 *
 * <p>TLS: the gateway's certificate ({@code CN=localhost}) is signed by a CA generated for the test with
 * {@code openssl} ({@link TestCa}); the CA is trusted by the browser's profile only, through an NSS database in the
 * {@code HOME} the scene gives Chromium ({@link ProfileTrust}, {@code certutil}). The machine's trust store is not
 * touched and Chromium verifies the certificate for real: no {@code --ignore-certificate-errors}.
 *
 * <p>Needs root, iproute2, Chromium, Node and {@code npm ci} in {@code turn-server/src/test/browser}, and for TLS
 * {@code openssl} and {@code certutil} ({@code libnss3-tools}); without them a scene is skipped with a banner, except
 * on CI ({@code CI=true}) where it fails.
 */
@Tag("interop")
class BrowserSceneTest {
    private static final String USER = "user-1";
    private static final String PASS = "pass-1";
    /** Data-channel messages echoed one at a time (the issue asks for at least 200). */
    private static final int MESSAGES = 300;
    /** Decoded video frames wanted: two seconds of the worker's 30 fps. */
    private static final int FRAMES = 60;
    /** Bound on one scene's Node side; a scene takes 5 to 15 s in practice, the eight 60 to 120 s together. */
    private static final Duration SCENE_LIMIT = Duration.ofSeconds(50);

    private static TestNetns netns;

    /** The client's transport to the gateway: the listener's protocol and the browser's ICE server URL. */
    enum Transport {
        UDP("TURN-UDP", "turn:127.0.0.1:%d?transport=udp", "udp", TlsEngine.AUTO),
        TCP("TURN-TCP", "turn:127.0.0.1:%d?transport=tcp", "tcp", TlsEngine.AUTO),
        /** TURN-TLS served by OpenSSL (the default where it loads), */
        TLS("TURN-TLS", "turns:" + TestCa.SERVER_NAME + ":%d?transport=tcp", "tls", TlsEngine.OPENSSL),
        /** and by the JDK's engine ({@code --tls-engine jdk}, and the fallback). */
        TLS_JDK("TURN-TLS", "turns:" + TestCa.SERVER_NAME + ":%d?transport=tcp", "tls", TlsEngine.JDK);

        final String protocol;
        final String urlFormat;
        /** RTCIceCandidateStats.relayProtocol of the browser's relay candidate. */
        final String relayProtocol;
        final TlsEngine engine;

        Transport(String protocol, String urlFormat, String relayProtocol, TlsEngine engine) {
            this.protocol = protocol;
            this.urlFormat = urlFormat;
            this.relayProtocol = relayProtocol;
            this.engine = engine;
        }

        Gateway.Options options() {
            return TestTlsEngines.options(Gateway.Options.defaults(), engine);
        }

        boolean tls() {
            return protocol.equals("TURN-TLS");
        }

        String listener() {
            return "browser-scene/" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        int freePort() {
            return this == UDP ? TestGateways.freeUdpPort() : TestGateways.freeTcpPort();
        }

        String url(int port) {
            return String.format(Locale.ROOT, urlFormat, port);
        }
    }

    /** The gateway's listener of one scene, and what the browser is given to reach it. */
    private record Listener(Transport transport, int port, String cert, String key) {
        /**
         * A free port, and for TLS a test CA whose server certificate the listener serves and whose CA the
         * profile in {@code home} (the scene's HOME) trusts.
         */
        static Listener prepare(Transport t, Path home) throws IOException {
            if (!t.tls()) {
                return new Listener(t, t.freePort(), "", "");
            }
            Prerequisites.requireTlsTools();
            TestCa ca = TestCa.create(home);
            String db = ProfileTrust.trustOnlyInProfile(home, ca.caPem());
            System.err.println("browser scene (tls): the profile's NSS database trusts the test CA:\n" + db);
            return new Listener(t, t.freePort(), ca.certBase64(), ca.keyBase64());
        }

        String url() {
            return transport.url(port);
        }

        @Override
        public String toString() {
            return transport + " on " + port; // never the key
        }
    }

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

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    @Timeout(value = 58, unit = TimeUnit.SECONDS)
    void allowedSceneRelaysDataAndVideoToTheWorker(Transport transport, @TempDir Path tmp) throws Exception {
        String worker = netns.workerAddress().getHostAddress();
        String relay = netns.hostAddress().getHostAddress();
        Listener l = Listener.prepare(transport, tmp);
        try (LogCapture log = LogCapture.attach(); Gateway gw = Gateway.start(config(l, relay, worker), transport.options())) {
            AtomicInteger atAnswer = new AtomicInteger(-1);
            try (SceneRun scene = SceneRun.start(options("allowed", l), tmp, () -> atAnswer.set(gw.allocationCount()))) {
                JsonNode r = scene.awaitResult(SCENE_LIMIT.plusSeconds(5));
                String why = "\n--- scene transcript ---\n" + scene.transcript() + "--- gateway log ---\n"
                        + String.join("\n", log.lines());
                assertNotNull(r, "the scene printed no result" + why);
                assertFalse(r.has("error"), "scene error: " + r.path("error").asText() + why);

                JsonNode pair = r.path("selectedPair");
                assertEquals("relay", pair.path("local").path("type").asText(),
                        "the client's selected pair, local candidate type" + why);
                assertEquals(transport.relayProtocol, pair.path("local").path("relayProtocol").asText(),
                        "the transport between the browser and the gateway (relayProtocol of the local candidate)" + why);
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
                System.out.printf("browser scene (allowed, %s): relay pair %s:%d -> %s:%d, %d/%d echoed, "
                                + "RTT p50 %.3f ms p99 %.3f ms (min %.3f, max %.3f), %d frames decoded %dx%d, %d painted%n",
                        l.url(), pair.path("local").path("address").asText(), pair.path("local").path("port").asInt(),
                        pair.path("remote").path("address").asText(), pair.path("remote").path("port").asInt(),
                        echo.path("received").asInt(), echo.path("sent").asInt(),
                        rtt.path("p50").asDouble(), rtt.path("p99").asDouble(), rtt.path("min").asDouble(),
                        rtt.path("max").asDouble(), video.path("framesDecoded").asInt(),
                        video.path("frameWidth").asInt(), video.path("frameHeight").asInt(), video.path("painted").asInt());
                int left = awaitAllocations(gw, Duration.ofSeconds(5));
                System.out.println("browser scene (allowed, " + transport + "): allocations after the browser closed: "
                        + left);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    @Timeout(value = 58, unit = TimeUnit.SECONDS)
    void refusedSceneFailsIceLogsOneDenialAndReleasesTheAllocation(Transport transport, @TempDir Path tmp)
            throws Exception {
        String worker = netns.workerAddress().getHostAddress();
        String relay = netns.hostAddress().getHostAddress();
        // The route names the /30 after the test's own: the worker's address is outside every route.
        String[] q = worker.split("\\.");
        String elsewhere = q[0] + "." + q[1] + "." + q[2] + "." + ((Integer.parseInt(q[3]) & ~3) + 4) + "/30";
        Listener l = Listener.prepare(transport, tmp);
        try (LogCapture log = LogCapture.attach(); Gateway gw = Gateway.start(config(l, relay, elsewhere),
                transport.options())) {
            AtomicInteger atAnswer = new AtomicInteger(-1);
            try (SceneRun scene = SceneRun.start(options("refused", l), tmp, () -> atAnswer.set(gw.allocationCount()))) {
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
                // One line per allocation. Chromium gathers on an IPv4 and an IPv6 port: an IPv4 literal suits only
                // the first (one allocation), localhost both, so turns:localhost gives two (both reach ::1 here).
                int relays = r.path("browserCandidates").size();
                assertEquals(atAnswer.get(), relays, "the browser's relay candidates (expected: one per allocation)" + why);
                assertEquals(relays, denied.size(), "permission-denied lines " + denied
                        + " (expected: exactly one per allocation, " + relays + ")" + why);
                for (String d : denied) {
                    assertTrue(d.contains(worker) && d.contains(transport.listener()),
                            "the denial names listener and peer: " + d + why);
                }
                assertEquals(0, left, "allocations left after the browser closed its PeerConnection" + why);
                System.out.printf("browser scene (refused, %s): %s after %d ms; gateway said: %s; allocations %d -> %d%n",
                        l.url(), fin, r.path("failedMs").asLong(), denied.get(0), atAnswer.get(), left);
            }
        }
    }

    private static SceneRun.Options options(String mode, Listener l) {
        return new SceneRun.Options(mode, l.url(), USER, PASS, netns, MESSAGES, FRAMES, SCENE_LIMIT);
    }

    /**
     * One listener of the scene's transport advertising {@code relay} (with the test CA's certificate for TLS), one
     * static cluster with {@code endpoint}.
     */
    private static StunnerConfig config(Listener l, String relay, String endpoint) throws Exception {
        String json = "{\"version\":\"v1\","
                + "\"admin\":{\"name\":\"browser-scene\",\"loglevel\":\"all:INFO\",\"healthcheck_endpoint\":\"\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"stunner.l7mp.io\","
                + "\"credentials\":{\"username\":\"" + USER + "\",\"password\":\"" + PASS + "\"}},"
                + "\"listeners\":[{\"name\":\"" + l.transport().listener() + "\",\"protocol\":\""
                + l.transport().protocol + "\",\"address\":\"" + relay + "\",\"port\":" + l.port()
                + (l.cert().isEmpty() ? "" : ",\"cert\":\"" + l.cert() + "\",\"key\":\"" + l.key() + "\"")
                + ",\"routes\":[\"browser-scene/worker\"]}],"
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
}
