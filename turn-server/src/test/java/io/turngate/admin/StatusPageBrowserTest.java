package io.turngate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.turngate.interop.browser.Prerequisites;
import io.turngate.server.TestPeer;
import io.turngate.server.TestTurnClient;

/**
 * The status page in a real browser (issue 9 item 3): headless Chromium opens {@code GET /} of an in-process
 * gateway's health port, shows the listener's row, and its numbers move once a TURN client relays traffic through
 * the listener. A screenshot goes to {@code turn-server/target/status-page.png}.
 *
 * <p>Node runs {@code src/test/browser/status-page.js} (playwright-core attached to Debian's
 * {@code /usr/bin/chromium}). Needs Chromium, Node 18+ and {@code npm ci} in {@code turn-server/src/test/browser};
 * without them it is skipped with a banner, except on CI ({@code CI=true}) where it fails.
 */
@Tag("interop")
class StatusPageBrowserTest {
    /** ChannelData packets the client sends through the listener. */
    private static final int PACKETS = 200;
    /** They go out in bursts over about a second, so that the page's one-second rate sees them. */
    private static final int BURSTS = 10;
    private static final int CHANNEL = 0x4000;
    /** The script's bound on the page load and on the row's first render; Chromium gets 2x this to start. */
    private static final Duration SHOWN = Duration.ofSeconds(5);
    /** Bound on one command to the page (read, screenshot). */
    private static final Duration STEP = Duration.ofSeconds(3);
    /** Bound on the page catching up with the traffic; it reads /status once a second. */
    private static final Duration MOVED = Duration.ofSeconds(6);
    /** After this the script gives up by itself, whatever the test does. */
    private static final Duration SCRIPT_MAX = Duration.ofSeconds(40);

    @BeforeEach
    void machine() {
        Path chromium = Prerequisites.chromium();
        Prerequisites.require(Files.isExecutable(chromium), "chromium at " + chromium + " (apt-get install chromium)");
        Path node = Prerequisites.node();
        Prerequisites.require(node != null, "node on the PATH (apt-get install nodejs)");
        int major = nodeMajor(node);
        Prerequisites.require(major >= 18, "node 18 or newer (found major version " + major + " at " + node + ")");
        Path dir = Prerequisites.browserDir();
        Prerequisites.require(Files.isRegularFile(dir.resolve("status-page.js")), "status-page.js in " + dir);
        Prerequisites.require(Files.isRegularFile(dir.resolve("node_modules/playwright-core/package.json")),
                "the npm package playwright-core in " + dir + " (run: npm ci --prefix " + dir + ")");
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void pageShowsTheListenerAndItsNumbersMoveAfterTraffic(@TempDir Path tmp) throws Exception {
        Path shot = screenshotPath();
        Files.deleteIfExists(shot);
        try (StatusPageGateway gw = StatusPageGateway.start();
             StatusPageRun page = StatusPageRun.start(gw.statusPage().toString(), StatusPageGateway.LISTENER, tmp,
                     SHOWN, SCRIPT_MAX)) {
            // Chromium's start, the CDP attach, the load and the row, together
            JsonNode before = page.awaitShown(SHOWN.multipliedBy(4));
            String why = page.why();
            assertTrue(before.path("shown").asBoolean(), "listener row visible: " + before + why);
            assertEquals(StatusPageGateway.LISTENER, before.path("listenerText").asText(), "name in the row" + why);
            assertTrue(before.path("allocations").isNumber() && before.path("rxPackets").isNumber(),
                    "the row shows allocations and rx packets as numbers: " + before + why);
            assertEquals(0, before.path("allocations").asInt(), "allocations before any client" + why);
            long rxBefore = before.path("rxPackets").asLong();
            long txBefore = before.path("txPackets").asLong();
            System.out.printf("status page: before traffic %s shows allocations %d, rx packets %d, tx packets %d, "
                            + "rx rate %s%n", StatusPageGateway.LISTENER, before.path("allocations").asInt(), rxBefore,
                    txBefore, before.path("rxRate").asText());

            try (TestPeer echo = TestPeer.echo();
                 TestTurnClient client = TestTurnClient.of(gw.turnPort(), StatusPageGateway.USER,
                         StatusPageGateway.PASS)) {
                client.allocateOrFail();
                TestTurnClient.Response bound = client.channelBind(CHANNEL, echo.address());
                assertTrue(bound.isSuccess(), "ChannelBind to the echo peer: " + bound);
                byte[] payload = "status-page-traffic".getBytes(StandardCharsets.US_ASCII);
                for (int b = 0; b < BURSTS; b++) {
                    for (int i = 0; i < PACKETS / BURSTS; i++) {
                        client.sendChannelData(CHANNEL, payload);
                    }
                    Thread.sleep(100);
                }

                List<String> seen = new ArrayList<>();
                JsonNode after = awaitMoved(page, rxBefore, seen);
                String moved = "\nreadings after the traffic:\n  " + String.join("\n  ", seen) + page.why();
                assertTrue(after.path("allocations").asInt() >= 1,
                        "allocations shown " + after.path("allocations") + " (expected: >= 1)" + moved);
                assertTrue(after.path("rxPackets").asLong() - rxBefore >= PACKETS, "rx packets shown "
                        + after.path("rxPackets") + " after " + rxBefore + " (expected: >= " + PACKETS + " more)" + moved);
                assertTrue(after.path("maxRxRate").asDouble() > 0,
                        "largest rx pkt/s shown " + after.path("maxRxRate") + " (expected: > 0)" + moved);
                assertTrue(after.path("txPackets").asLong() > txBefore, "tx packets shown " + after.path("txPackets")
                        + " after " + txBefore + " (expected: more, the echo comes back through the listener)" + moved);
                assertEquals(List.of(), offOrigin(after, gw.statusPage().toString()),
                        "requests the page made to anything but the gateway's health port" + moved);

                Files.createDirectories(shot.getParent());
                page.screenshot(shot, STEP);
                assertTrue(Files.size(shot) > 0, "screenshot written to " + shot);
                System.out.printf("status page: after %d ChannelData packets it shows allocations %d, rx packets %d "
                                + "(+%d), tx packets %d (+%d), largest rx rate %s pkt/s (rx rate now %s)%n", PACKETS,
                        after.path("allocations").asInt(), after.path("rxPackets").asLong(),
                        after.path("rxPackets").asLong() - rxBefore, after.path("txPackets").asLong(),
                        after.path("txPackets").asLong() - txBefore, after.path("maxRxRate").asText(),
                        after.path("rxRate").asText());
                System.out.println("status page: screenshot " + shot);
            }
        }
    }

    /**
     * Re-reads the page (every 100 ms, at most {@link #MOVED}) until it shows an allocation, {@link #PACKETS} more
     * rx packets than {@code rxBefore} and, at some render, a non-zero rx rate; the last reading either way.
     */
    private static JsonNode awaitMoved(StatusPageRun page, long rxBefore, List<String> seen)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + MOVED.toNanos();
        JsonNode r;
        String last = null;
        while (true) {
            r = page.read(STEP);
            String shown = "allocations " + r.path("allocations") + ", rx packets " + r.path("rxPackets")
                    + ", rx rate " + r.path("rxRate") + " (largest " + r.path("maxRxRate") + "), tx packets "
                    + r.path("txPackets") + ", updated " + r.path("updated").asText();
            if (!shown.equals(last)) {
                seen.add(shown);
                last = shown;
            }
            boolean moved = r.path("allocations").asInt() >= 1
                    && r.path("rxPackets").asLong() - rxBefore >= PACKETS
                    && r.path("maxRxRate").asDouble() > 0;
            if (moved || System.nanoTime() - deadline > 0) {
                return r;
            }
            Thread.sleep(100);
        }
    }

    /** The URLs the page requested that are not on the origin of {@code page}. */
    private static List<String> offOrigin(JsonNode reading, String page) {
        List<String> out = new ArrayList<>();
        for (JsonNode u : reading.path("requests")) {
            if (!u.asText().startsWith(page)) {
                out.add(u.asText());
            }
        }
        return out;
    }

    /** {@code turn-server/target/status-page.png}, whichever directory the test runs in. */
    private static Path screenshotPath() {
        String root = System.getProperty("turngate.root");
        Path module = root != null && Files.isDirectory(Paths.get(root, "turn-server"))
                ? Paths.get(root, "turn-server") : Paths.get("").toAbsolutePath();
        return module.resolve("target").resolve("status-page.png").toAbsolutePath();
    }

    /** Node's major version, or -1 when {@code node --version} fails or takes over 10 s. */
    private static int nodeMajor(Path node) {
        try {
            Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    return -1;
                }
                String out = new String(p.getInputStream().readNBytes(200), StandardCharsets.US_ASCII).trim();
                String digits = out.startsWith("v") ? out.substring(1) : out; // "v20.20.2"
                int dot = digits.indexOf('.');
                return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
