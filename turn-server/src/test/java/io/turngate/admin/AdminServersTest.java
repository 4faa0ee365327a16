package io.turngate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;
import io.turngate.server.TestGateways;
import io.turngate.server.TestPeer;
import io.turngate.server.TestTurnClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin endpoints as stunnerd's users and Kubernetes probe them: {@code /live}, {@code /ready}, {@code /status}
 * (no secret in it), {@code /metrics} with STUNner's series moving with traffic, HTTP errors, and reloads that move
 * an endpoint.
 */
class AdminServersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_PASSWORD = "s3cret-Pa55word";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        open.add(t);
        return t;
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static AdminConfig admin(String metrics, String health) {
        return new AdminConfig("testns/gateway", "all:INFO", metrics, health, 0, "None", List.of());
    }

    private static StunnerConfig config(int udpPort, AdminConfig admin) {
        StunnerConfig base = TestGateways.config(udpPort, "127.0.0.1");
        return new StunnerConfig(base.version(), admin,
                new AuthConfig(AuthType.STATIC, base.auth().realm(), Map.of("username", TestGateways.USER,
                        "password", SECRET_PASSWORD)),
                base.listeners(), base.clusters());
    }

    private record Setup(Gateway gw, Readiness readiness, AdminServers admin, int udpPort, int healthPort,
                         int metricsPort) {
    }

    private Setup start(boolean ready) throws Exception {
        int udp = TestGateways.freeUdpPort();
        int health = freeTcpPort();
        int metrics = freeTcpPort();
        StunnerConfig cfg = config(udp, admin("http://127.0.0.1:" + metrics + "/metrics", "http://127.0.0.1:" + health));
        Gateway gw = track(Gateway.start(cfg));
        Readiness r = new Readiness(false);
        if (ready) {
            r.configApplied();
        }
        AdminServers admin = track(new AdminServers(gw, r, null, "test", System::currentTimeMillis));
        admin.start(cfg.admin());
        return new Setup(gw, r, admin, udp, health, metrics);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyAndTheMetricsShowADegradedConfigSourceWithoutChangingTheStatusCode() throws Exception {
        Setup s = start(false);
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>> degraded =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.of("Kubernetes API"
                        + " https://10.96.0.1:443/: unreachable (ConnectException: Connection refused)"));
        s.admin().configSourceHealth(degraded::get);

        HttpResponse<String> notReady = get(s.healthPort(), "/ready");
        assertEquals(503, notReady.statusCode());
        assertEquals("stunnerd not ready; config source degraded: Kubernetes API https://10.96.0.1:443/: unreachable"
                + " (ConnectException: Connection refused)", JSON.readTree(notReady.body()).path("message").asText());
        s.readiness().configApplied();
        HttpResponse<String> ready = get(s.healthPort(), "/ready");
        assertEquals(200, ready.statusCode(), "the last good config serves: still ready");
        assertTrue(JSON.readTree(ready.body()).path("message").asText().startsWith("READY; config source degraded: "),
                ready.body());
        assertTrue(get(s.metricsPort(), "/metrics").body().contains("\nturngate_config_source_degraded 1.0\n"));

        degraded.set(java.util.Optional.empty());
        assertEquals("{\"status\":200,\"message\":\"READY\"}\n", get(s.healthPort(), "/ready").body());
        assertTrue(get(s.metricsPort(), "/metrics").body().contains("\nturngate_config_source_degraded 0.0\n"));
    }

    @Test
    void liveAndReadyAnswerLikeStunnerd() throws Exception {
        Setup s = start(false);
        HttpResponse<String> live = get(s.healthPort(), "/live");
        assertEquals(200, live.statusCode());
        assertEquals("{}\n", live.body());
        assertEquals("application/json; charset=utf-8", live.headers().firstValue("content-type").orElse(""));

        HttpResponse<String> notReady = get(s.healthPort(), "/ready");
        assertEquals(503, notReady.statusCode());
        assertEquals("{\"status\":503,\"message\":\"stunnerd not ready\"}\n", notReady.body());

        s.readiness().configApplied();
        HttpResponse<String> ready = get(s.healthPort(), "/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":200,\"message\":\"READY\"}\n", ready.body());

        s.readiness().terminating();
        assertEquals(503, get(s.healthPort(), "/ready").statusCode(), "not ready while draining");
        assertEquals("TERMINATING", JSON.readTree(get(s.healthPort(), "/status").body()).path("status").asText());
        assertEquals(200, get(s.healthPort(), "/live").statusCode(), "alive while draining");
    }

    @Test
    void forceReadyStatusKeepsReadyWhileDraining() {
        Readiness r = new Readiness(true);
        assertFalse(r.readyForProbes(), "never ready before a config");
        r.configApplied();
        r.terminating();
        assertTrue(r.readyForProbes());
        assertEquals(Readiness.State.TERMINATING, r.state());
    }

    @Test
    void statusHasStunnerdsShapeWithoutAnySecretAndCountsTraffic() throws Exception {
        Setup s = start(true);
        JsonNode before = JSON.readTree(get(s.healthPort(), "/status").body());
        assertEquals("v1", before.path("version").asText());
        assertEquals("testns/gateway", before.path("admin").path("name").asText());
        assertEquals("0", before.path("admin").path("quota").asText(), "stunnerd writes the quota as a string");
        assertEquals("None[all]", before.path("admin").path("offload").asText());
        assertEquals("<SECRET>", before.path("auth").path("credentials").path("password").asText());
        assertEquals("READY", before.path("status").asText());
        assertEquals(0, before.path("allocationCount").asInt());
        JsonNode l = before.path("listeners").get(0);
        assertEquals(TestGateways.LISTENER, l.path("name").asText());
        assertTrue(l.path("stats").path("rx").has("pkts") && l.path("stats").path("tx").has("bytes"), l.toString());
        // The listener's address is 127.0.0.1: its IPv6 relay address is ::1 (RFC 8656 §7.2).
        assertEquals("127.0.0.1", l.path("relay_address").asText(), l.toString());
        assertEquals("::1", l.path("relay_address_ipv6").asText(), l.toString());
        assertEquals("cluster-a", before.path("clusters").get(0).path("name").asText());

        try (TestPeer echo = TestPeer.echo();
             TestTurnClient c = TestTurnClient.of(s.udpPort(), TestGateways.USER, SECRET_PASSWORD)) {
            c.allocateOrFail();
            assertTrue(c.channelBind(0x4000, echo.address()).isSuccess());
            for (int i = 0; i < 10; i++) {
                c.sendChannelData(0x4000, new byte[] {(byte) i});
                assertNotNull(c.receive(2000), "echo " + i);
            }
            String body = get(s.healthPort(), "/status?users=5").body();
            assertFalse(body.contains(SECRET_PASSWORD), "the password leaked into /status");
            JsonNode after = JSON.readTree(body);
            assertEquals(1, after.path("allocationCount").asInt());
            JsonNode la = after.path("listeners").get(0);
            assertEquals(1, la.path("allocations").asInt());
            assertEquals(1, la.path("users").path(TestGateways.USER).asInt());
            assertTrue(la.path("stats").path("rx").path("pkts").asLong() >= l.path("stats").path("rx").path("pkts").asLong() + 10,
                    la.toString());
            JsonNode cluster = after.path("clusters").get(0).path("stats");
            assertEquals(10, cluster.path("tx").path("pkts").asLong(), "datagrams relayed to the cluster's peer");
            assertEquals(10, cluster.path("rx").path("pkts").asLong(), "datagrams relayed back from it");
        }
    }

    @Test
    void metricsCarryStunnersSeriesAndTheyMoveWithTraffic() throws Exception {
        Setup s = start(true);
        String before = get(s.metricsPort(), "/metrics").body();
        String l = "name=\"" + TestGateways.LISTENER + "\"";
        for (String series : new String[] {"stunner_allocations_active 0.0",
            "stunner_listener_connections{" + l + "} 1.0",
            "stunner_listener_connections_total{" + l + "} 1.0",
            "stunner_listener_packets_total{direction=\"rx\"," + l + "}",
            "stunner_listener_packets_total{direction=\"tx\"," + l + "}",
            "stunner_listener_bytes_total{direction=\"rx\"," + l + "}",
            "stunner_cluster_packets_total{direction=\"tx\",name=\"cluster-a\"} 0.0",
            "stunner_cluster_bytes_total{direction=\"rx\",name=\"cluster-a\"} 0.0",
            "turngate_allocation_lifetime_seconds_bucket{", "turngate_auth_failures_total{",
            "turngate_permission_refusals_total{", "turngate_dropped_datagrams_total{", "turngate_relay_dropped_total{",
            "turngate_rate_limited_answers_total{", "turngate_gso_sends_total{", "jvm_memory_used_bytes",
            "process_cpu_usage", "process_resident_memory_bytes"}) {
            assertTrue(before.contains(series), "missing " + series);
        }
        try (TestPeer echo = TestPeer.echo();
             TestTurnClient c = TestTurnClient.of(s.udpPort(), TestGateways.USER, SECRET_PASSWORD)) {
            c.allocateOrFail();
            assertTrue(c.channelBind(0x4000, echo.address()).isSuccess());
            assertEquals(403, c.channelBind(0x4001, new InetSocketAddress("127.0.0.2", 9)).errorCode());
            for (int i = 0; i < 5; i++) {
                c.sendChannelData(0x4000, new byte[] {1, 2, 3});
                assertNotNull(c.receive(2000));
            }
            String after = get(s.metricsPort(), "/metrics").body();
            assertTrue(after.contains("stunner_allocations_active 1.0"), after);
            assertTrue(after.contains("stunner_cluster_packets_total{direction=\"tx\",name=\"cluster-a\"} 5.0"), after);
            assertTrue(after.contains("stunner_cluster_packets_total{direction=\"rx\",name=\"cluster-a\"} 5.0"), after);
            assertTrue(after.contains("turngate_permission_refusals_total{listener=\"" + TestGateways.LISTENER
                    + "\",refusal=\"forbidden_address\"} 1.0"), "the refused loopback peer is counted");
            assertTrue(after.contains("turngate_auth_challenges_total{listener=\"" + TestGateways.LISTENER + "\"} 1.0"),
                    "the Allocate challenge is counted");
            assertFalse(after.contains(SECRET_PASSWORD));
        }
    }

    @Test
    void httpErrorsNameWhatWasWrong() throws Exception {
        Setup s = start(true);
        HttpResponse<String> unknown = get(s.healthPort(), "/nope");
        assertEquals(404, unknown.statusCode());
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.healthPort() + "/live"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(""));
        HttpResponse<String> bad = get(s.healthPort(), "/status?users=-3");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("users") && bad.body().contains("expected: 0..10000"), bad.body());
        assertEquals(400, get(s.healthPort(), "/status?pretty=maybe").statusCode());
        assertEquals(400, get(s.healthPort(), "/status?users=1&users=2").statusCode());
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.healthPort() + "/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(404, get(s.metricsPort(), "/status").statusCode(), "the metrics port serves only its path");
    }

    @Test
    void anIdleOrSlowClientIsTimedOutAndCostsNothingElse() throws Exception {
        int port = freeTcpPort();
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try (AdminHttpServer server = AdminHttpServer.start("test", group,
                new io.turngate.config.v1.HttpEndpoint("127.0.0.1", port, "/"),
                Map.of("/live", AdminHttpServer.Route.now(r -> HttpAnswer.of(200, HttpAnswer.JSON, "{}\n"))), 1)) {
            try (Socket slow = new Socket("127.0.0.1", port)) {
                slow.setSoTimeout(5000);
                OutputStream o = slow.getOutputStream();
                o.write("GET /li".getBytes(StandardCharsets.US_ASCII)); // never finishes its request
                o.flush();
                // Meanwhile another client is served at once.
                assertEquals(200, get(port, "/live").statusCode());
                long t0 = System.nanoTime();
                InputStream in = slow.getInputStream();
                assertEquals(-1, in.read(), "the server closes the slow connection");
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(waited < 4000, "closed after " + waited + " ms (idle timeout 1 s)");
            }
            assertNotNull(server.localAddress());
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aReloadMovesOnlyTheChangedServerAndABusyPortKeepsTheOldOne() throws Exception {
        Setup s = start(true);
        AdminConfig original = s.gw().config().admin();
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<String> problems = s.admin().apply(admin(original.metricsEndpoint(),
                    "http://127.0.0.1:" + busy.getLocalPort()));
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("cannot bind"), problems.get(0));
            assertEquals(200, get(s.healthPort(), "/live").statusCode(), "the old health server keeps serving");
            assertEquals(s.healthPort(), s.admin().healthAddress().getPort());
        }
        int newHealth = freeTcpPort();
        assertEquals(List.of(), s.admin().apply(admin(original.metricsEndpoint(), "http://127.0.0.1:" + newHealth)));
        assertEquals(200, get(newHealth, "/live").statusCode());
        assertThrows(IOException.class, () -> get(s.healthPort(), "/live"), "the old health port is closed");
        assertEquals(200, get(s.metricsPort(), "/metrics").statusCode(), "the metrics server was not touched");

        int newMetrics = freeTcpPort();
        assertEquals(List.of(), s.admin().apply(admin("http://127.0.0.1:" + newMetrics + "/m", "http://127.0.0.1:" + newHealth)));
        assertEquals(200, get(newMetrics, "/m").statusCode());
        assertEquals(404, get(newMetrics, "/metrics").statusCode());
        assertThrows(IOException.class, () -> get(s.metricsPort(), "/metrics"));

        assertEquals(List.of(), s.admin().apply(admin("", "")), "both endpoints off");
        assertNull(s.admin().healthAddress());
        assertNull(s.admin().metricsAddress());
        assertThrows(IOException.class, () -> get(newHealth, "/live"));
    }

    @Test
    void sharedHostAndPortServeHealthAndMetricsTogether() throws Exception {
        int udp = TestGateways.freeUdpPort();
        int port = freeTcpPort();
        StunnerConfig cfg = config(udp, admin("http://127.0.0.1:" + port + "/metrics", "http://127.0.0.1:" + port));
        Gateway gw = track(Gateway.start(cfg));
        AdminServers admin = track(new AdminServers(gw, new Readiness(false), null, "test", System::currentTimeMillis));
        admin.start(cfg.admin());
        assertEquals(503, get(port, "/ready").statusCode());
        assertTrue(get(port, "/metrics").body().contains("stunner_allocations_active"));
    }

    @Test
    void aHealthServerThatCannotBindFailsStartAMetricsServerOnlyWarns() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int udp = TestGateways.freeUdpPort();
            StunnerConfig healthBusy = config(udp, admin("", "http://127.0.0.1:" + busy.getLocalPort()));
            Gateway gw = track(Gateway.start(healthBusy));
            AdminServers a = new AdminServers(gw, new Readiness(false), null, "test", System::currentTimeMillis);
            AdminHttpServer.BindFailure e = assertThrows(AdminHttpServer.BindFailure.class, () -> a.start(healthBusy.admin()));
            assertTrue(e.getMessage().contains("health check server: cannot bind http://127.0.0.1:" + busy.getLocalPort()),
                    e.getMessage());

            int health = freeTcpPort();
            AdminConfig metricsBusy = admin("http://127.0.0.1:" + busy.getLocalPort() + "/metrics", "http://127.0.0.1:" + health);
            AdminServers b = track(new AdminServers(gw, new Readiness(false), null, "test", System::currentTimeMillis));
            b.start(metricsBusy);
            assertNull(b.metricsAddress());
            assertEquals(200, get(health, "/live").statusCode());
        }
    }

    @Test
    void theAuthServiceEndpointServesIceServers() throws Exception {
        int udp = TestGateways.freeUdpPort();
        int auth = freeTcpPort();
        StunnerConfig cfg = config(udp, admin("", ""));
        Gateway gw = track(Gateway.start(cfg));
        AdminServers admin = track(new AdminServers(gw, new Readiness(false),
                io.turngate.config.v1.HttpEndpoint.parse("http://127.0.0.1:" + auth, 8088), "test", System::currentTimeMillis));
        admin.start(cfg.admin());
        HttpResponse<String> ice = get(auth, "/ice?service=turn");
        assertEquals(200, ice.statusCode(), ice.body());
        JsonNode server = JSON.readTree(ice.body()).path("iceServers").get(0);
        assertEquals(TestGateways.USER, server.path("username").asText());
        assertEquals(SECRET_PASSWORD, server.path("credential").asText(), "the auth service hands out the credential");
        assertTrue(server.path("urls").get(0).asText().startsWith("turn:127.0.0.1:" + udp), ice.body());
        assertEquals(400, get(auth, "/ice?service=turn&ttl=abc").statusCode());
        assertEquals(400, get(auth, "/?service=stun").statusCode());
        assertEquals(405, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + auth + "/ice"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    }
}
