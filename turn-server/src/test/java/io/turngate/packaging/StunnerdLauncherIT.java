package io.turngate.packaging;

import io.turngate.server.TestTurnClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image's {@code stunnerd} launcher on the built jar, outside a container, started exactly as STUNner's operator
 * starts its dataplane: {@code stunnerd -w --udp-thread-num=16} with {@code STUNNER_ADDR}, {@code STUNNER_NAME},
 * {@code STUNNER_NAMESPACE}, {@code STUNNER_NODENAME} and {@code STUNNER_CONFIG_ORIGIN} (here a config file: the
 * config discovery client is not part of this test). The jar is found through {@code TURNGATE_JAR}, the override the
 * image's default path ({@code /opt/turngate/turngate.jar}) gives way to.
 */
@Timeout(120)
class StunnerdLauncherIT {
    @TempDir
    Path tmp;

    private Map<String, String> operatorEnv(String origin) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.put("TURNGATE_JAR", LauncherRun.builtJar().toString());
        env.put("STUNNER_ADDR", "127.0.0.1");
        env.put("STUNNER_NAME", "udp-gateway");
        env.put("STUNNER_NAMESPACE", "stunner");
        env.put("STUNNER_NODENAME", "kind-worker");
        env.put("STUNNER_CONFIG_ORIGIN", origin);
        return env;
    }

    @Test
    void theOperatorsCommandLineStartsAGatewayThatIsReadyAndAnswersStun() throws Exception {
        int udp = LauncherRun.freeUdpPort();
        int health = LauncherRun.freeTcpPort();
        int metrics = LauncherRun.freeTcpPort();
        Path config = LauncherRun.config(tmp, udp, health, metrics);
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, operatorEnv("file://" + config), tmp.resolve("gw.log"),
                "-w", "--udp-thread-num=16")) {
            assertTrue(LauncherRun.await(() -> LauncherRun.status(health, "/ready") == 200, 60_000),
                    "/ready is not 200 after 60 s:\n" + gw.log());
            HttpResponse<String> live = LauncherRun.get(health, "/live");
            assertNotNull(live);
            assertEquals(200, live.statusCode());
            assertEquals("{}", live.body().trim());
            assertEquals("{\"status\":200,\"message\":\"READY\"}", LauncherRun.get(health, "/ready").body().trim());

            LauncherRun.assertBindingAnswered(udp);

            HttpResponse<String> scrape = LauncherRun.get(metrics, "/metrics");
            assertNotNull(scrape, "metrics endpoint");
            assertTrue(scrape.body().lines().anyMatch(l -> l.startsWith(
                            "stunner_listener_connections{name=\"stunner/udp-gateway/udp-listener\"} 16")),
                    "--udp-thread-num=16 reached turngate: 16 sockets on the listener\n" + scrape.body());

            // $STUNNER_ADDR in the config became the relay address clients are given.
            try (TestTurnClient client = TestTurnClient.of(udp, "user-1", "pass-1")) {
                InetSocketAddress relayed = client.allocateOrFail();
                assertEquals("127.0.0.1", relayed.getAddress().getHostAddress());
                assertTrue(client.refresh(0).isSuccess());
            }
            assertTrue(gw.log().contains("starting as stunner/udp-gateway"),
                    "the identity comes from STUNNER_NAMESPACE/STUNNER_NAME:\n" + gw.log());

            // The kubelet's SIGTERM goes to the container's first process, the launcher: it must be turngate itself.
            gw.signal("TERM");
            assertTrue(gw.process.waitFor(20, TimeUnit.SECONDS), "no exit after SIGTERM:\n" + gw.log());
            assertEquals(0, gw.process.exitValue(), gw.log());
            assertTrue(gw.log().contains("turngate stopped"), gw.log());
            assertFalse(gw.log().contains("pass-1"), "no password in the log");
        }
    }

    @Test
    void anHttpConfigOriginReachesTurngateAsGiven() throws Exception {
        int port = LauncherRun.freeTcpPort(); // nothing listens: turngate names the origin whether or not it reads CDS
        String origin = "http://127.0.0.1:" + port;
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, operatorEnv(origin), tmp.resolve("cds.log"),
                "-w", "--udp-thread-num=16")) {
            assertTrue(LauncherRun.await(() -> gw.log().contains("127.0.0.1:" + port), 20_000),
                    "turngate's output names the origin " + origin + ":\n" + gw.log());
        }
    }
}
