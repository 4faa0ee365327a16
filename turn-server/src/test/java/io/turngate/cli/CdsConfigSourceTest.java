package io.turngate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.cds.CdsConfigSource;
import io.turngate.config.cds.CdsOrigin;
import io.turngate.config.cds.CdsServer;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.TestGateways;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CDS client against {@link CdsTestServer}, in process, with short keepalive timings: the plain {@code GET}, the
 * watch upgrade (stunnerd's URL and {@code Origin}), pushes on change only, zero configs ignored, garbage frames
 * rejected on a connection that stays up, pings and pongs, the read deadline, and reconnecting to a server that went
 * away and came back.
 */
@Timeout(60)
class CdsConfigSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "testns/gateway";
    private static final CdsConfigSource.Timing FAST = new CdsConfigSource.Timing(Duration.ofMillis(200),
            Duration.ofMillis(700), Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(2));

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Events events = new Events();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** What the source told its listener, in order. */
    static final class Events implements ConfigSource.Listener {
        final BlockingQueue<Object> all = new LinkedBlockingQueue<>();
        /** Every trouble and status message, never consumed. */
        final List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void loaded(ConfigSources.Loaded config) {
            all.add(config.config());
        }

        @Override
        public void rejected(ConfigException problems) {
            all.add(problems);
        }

        @Override
        public void trouble(String message) {
            all.add("trouble: " + message);
            texts.add("trouble: " + message);
        }

        @Override
        public void status(String message) {
            all.add("status: " + message);
            texts.add("status: " + message);
        }

        /** The next event of {@code type} within {@code millis}, skipping others; null when none came. */
        <T> T next(Class<T> type, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000;
            while (true) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                Object o = all.poll(left, TimeUnit.MILLISECONDS);
                if (type.isInstance(o)) {
                    return type.cast(o);
                }
            }
        }

        /**
         * A string event containing {@code part}, seen so far or coming within {@code millis} (string events and
         * configs travel on different paths, so their order is not asserted); null when none came.
         */
        String nextText(String part, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000;
            while (true) {
                for (String s : texts) {
                    if (s.contains(part)) {
                        return s;
                    }
                }
                if (System.nanoTime() > end) {
                    return null;
                }
                Thread.sleep(20);
            }
        }
    }

    static String config(int port, String address, String... endpoints) {
        StringBuilder eps = new StringBuilder();
        for (String e : endpoints) {
            eps.append(eps.length() == 0 ? "" : ",").append('"').append(e).append('"');
        }
        return "{\"version\":\"v1\",\"admin\":{\"name\":\"" + ID + "\",\"healthcheck_endpoint\":\"\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"turngate.test\",\"credentials\":{\"password\":\"pass-1\","
                + "\"username\":\"user-1\"}},"
                + "\"listeners\":[{\"name\":\"" + ID + "/udp-listener\",\"protocol\":\"TURN-UDP\",\"address\":\""
                + address + "\",\"port\":" + port + ",\"routes\":[\"workers\"]}],"
                + "\"clusters\":[{\"name\":\"workers\",\"type\":\"STATIC\",\"endpoints\":[" + eps + "]}]}";
    }

    private CdsTestServer server() throws Exception {
        CdsTestServer s = new CdsTestServer().start(0);
        open.add(s);
        s.node("node-1", "127.0.0.1");
        return s;
    }

    private CdsConfigSource source(CdsTestServer s, String node, Map<String, String> env) throws Exception {
        CdsConfigSource src = new CdsConfigSource(CdsServer.fixed(CdsOrigin.parse(s.origin())), ID, node, env, FAST);
        open.add(src);
        return src;
    }

    private CdsConfigSource watching(CdsTestServer s) throws Exception {
        CdsConfigSource src = source(s, "node-1", Map.of());
        src.watch(events);
        assertTrue(TestGateways.await(() -> s.watching() == 1, 5000), "no watch connection");
        return src;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    @Test
    void plainGetReadsTheGatewaysConfigWithTheNodeAndThePlaceholderReplaced() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, CdsTestServer.PLACEHOLDER, "10.1.0.0/16"));
        StunnerConfig c = source(s, "node-1", Map.of()).load().config();
        assertEquals("127.0.0.1", c.listeners().get(0).address(), "node-1's address replaces the placeholder");
        assertEquals(List.of("GET /api/v1/configs/testns/gateway?node=node-1"), s.requests);
    }

    @Test
    void plainGetWithoutNodeSendsNoNodeAndAnUnknownNodeGetsStunnerAddrExpanded() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, CdsTestServer.PLACEHOLDER, "10.1.0.0/16"));
        StunnerConfig c = source(s, "node-9", Map.of("STUNNER_ADDR", "127.0.0.9")).load().config();
        assertEquals("127.0.0.9", c.listeners().get(0).address(), "$STUNNER_ADDR is expanded as stunnerd does");
        source(s, null, Map.of()).load();
        assertEquals("GET /api/v1/configs/testns/gateway", s.requests.get(1));
    }

    @Test
    void plainGetOfAnUnknownGatewayQuotesTheServers404Message() throws Exception {
        CdsTestServer s = server();
        ConfigException e = assertThrows(ConfigException.class, () -> source(s, null, Map.of()).load());
        assertTrue(e.getMessage().contains("404 Config not found for ID testns/gateway"), e.getMessage());
        assertTrue(e.getMessage().contains("STUNNER_NAMESPACE"), e.getMessage());
    }

    @Test
    void plainGetOfAClosedPortSaysSoAndNamesTheUrl() throws Exception {
        int port = closedPort();
        CdsConfigSource src = new CdsConfigSource(CdsServer.fixed(CdsOrigin.parse("127.0.0.1:" + port)), ID, null,
                Map.of(), FAST);
        open.add(src);
        ConfigException e = assertThrows(ConfigException.class, src::load);
        assertTrue(e.getMessage().contains("GET http://127.0.0.1:" + port + "/api/v1/configs/testns/gateway"),
                e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
    }

    @Test
    void anIdThatIsNotNamespaceSlashNameIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> new CdsConfigSource(
                CdsServer.fixed(CdsOrigin.parse(":13478")), "gateway", null, Map.of(), FAST));
        assertTrue(e.getMessage().contains("expected: namespace/name"), e.getMessage());
    }

    @Test
    void theWatchUsesStunnerdsUrlAndOriginAndGetsTheCurrentConfigFirst() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, CdsTestServer.PLACEHOLDER, "10.1.0.0/16"));
        watching(s);
        StunnerConfig first = events.next(StunnerConfig.class, 5000);
        assertEquals("127.0.0.1", first.listeners().get(0).address());
        assertEquals("GET /api/v1/configs/testns/gateway?node=node-1&watch=true", s.requests.get(0));
        assertEquals(List.of(s.origin()), s.origins);
        assertTrue(events.nextText("status: ", 1000).contains("connected to ws://127.0.0.1:" + s.port()));
    }

    @Test
    void aWatchOfAGatewayWithoutConfigWaitsAndGetsItWhenItComes() throws Exception {
        CdsTestServer s = server();
        watching(s);
        assertNull(events.next(StunnerConfig.class, 500), "nothing matches yet");
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        assertEquals(3478, events.next(StunnerConfig.class, 5000).listeners().get(0).port());
    }

    @Test
    void onlyChangedConfigsArePushed() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        watching(s);
        assertEquals(1, events.next(StunnerConfig.class, 5000).clusters().get(0).endpoints().size());
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16", "10.2.0.0/16"));
        assertEquals(2, events.next(StunnerConfig.class, 5000).clusters().get(0).endpoints().size(),
                "the unchanged upsert pushed nothing; the change came next");
        s.upsert("otherns/gateway", config(3479, "127.0.0.1", "10.3.0.0/16"));
        assertNull(events.next(StunnerConfig.class, 500), "another Gateway's config is not ours");
    }

    @Test
    void aZeroConfigIsIgnoredAndTheConnectionStays() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        watching(s);
        events.next(StunnerConfig.class, 5000);
        s.delete(ID);
        assertTrue(events.nextText("ignoring a zero config", 5000) != null, events.texts.toString());
        s.upsert(ID, config(3479, "127.0.0.1", "10.1.0.0/16"));
        assertEquals(3479, events.next(StunnerConfig.class, 5000).listeners().get(0).port());
        assertEquals(1, s.upgrades.get(), "one connection all along");
    }

    @Test
    void garbageEmptyAndInvalidFramesAreRejectedWithoutDroppingTheConnection() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        watching(s);
        events.next(StunnerConfig.class, 5000);
        s.pushRaw(ID, "{not json");
        s.pushRaw(ID, "");
        s.pushRaw(ID, config(70000, "127.0.0.1", "10.1.0.0/16"));
        ConfigException garbage = events.next(ConfigException.class, 5000);
        ConfigException empty = events.next(ConfigException.class, 5000);
        ConfigException invalid = events.next(ConfigException.class, 5000);
        assertTrue(garbage.getMessage().contains("config from ws://127.0.0.1:" + s.port()), garbage.getMessage());
        assertTrue(empty.getMessage().contains("empty config"), empty.getMessage());
        assertTrue(invalid.getMessage().contains("70000 (expected: 1..65535)"), invalid.getMessage());
        s.upsert(ID, config(3480, "127.0.0.1", "10.1.0.0/16"));
        assertEquals(3480, events.next(StunnerConfig.class, 5000).listeners().get(0).port());
        assertEquals(1, s.upgrades.get(), "the connection stayed up");
    }

    @Test
    void pingsSayKeepaliveAndPongsKeepTheConnectionPastTheReadDeadline() throws Exception {
        CdsTestServer s = server();
        watching(s);
        Thread.sleep(3 * FAST.readDeadline().toMillis());
        assertTrue(s.pings.size() >= 5, "pings: " + s.pings);
        assertTrue(s.pings.stream().allMatch("keepalive"::equals), "pings: " + s.pings);
        assertEquals(1, s.upgrades.get(), "no reconnect while pongs come: " + events.all);
    }

    @Test
    void aServerThatStopsAnsweringTripsTheReadDeadlineAndTheClientReconnects() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        watching(s);
        events.next(StunnerConfig.class, 5000);
        s.answerPings = false;
        String lost = events.nextText("read deadline", 5000);
        assertTrue(lost != null && lost.startsWith("trouble: "), events.texts.toString());
        s.answerPings = true;
        assertTrue(TestGateways.await(() -> s.upgrades.get() >= 2, 5000), "no reconnect");
        assertEquals(3478, events.next(StunnerConfig.class, 5000).listeners().get(0).port(),
                "the new connection gets the current config again");
    }

    @Test
    void aBinaryFrameEndsTheConnectionAndTheClientReconnects() throws Exception {
        CdsTestServer s = server();
        watching(s);
        s.pushBinary(ID);
        assertTrue(events.nextText("unexpected binary frame", 5000) != null, events.texts.toString());
        assertTrue(TestGateways.await(() -> s.upgrades.get() == 2 && s.watching() == 1, 5000), "no reconnect");
    }

    @Test
    void theClientReconnectsWhenTheServerGoesAwayAndComesBack() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        watching(s);
        events.next(StunnerConfig.class, 5000);
        int port = s.port();
        s.stop();
        assertTrue(events.nextText("lost", 5000) != null, events.texts.toString());
        String refused = events.nextText("cannot connect", 5000);
        assertTrue(refused != null && refused.contains("retrying every 100 ms"), events.texts.toString());
        Thread.sleep(500); // a few more failed attempts, reported once
        CdsTestServer back = new CdsTestServer().start(port);
        open.add(back);
        back.upsert(ID, config(3490, "127.0.0.1", "10.1.0.0/16"));
        assertEquals(3490, events.next(StunnerConfig.class, 5000).listeners().get(0).port());
        String again = events.nextText("failed attempt(s)", 5000);
        assertTrue(again != null && again.startsWith("status: ") && again.contains("connected"),
                events.texts.toString());
    }

    @Test
    void closeStopsTheWatchAndTellsTheListenerNothingMore() throws Exception {
        CdsTestServer s = server();
        CdsConfigSource src = watching(s);
        src.close();
        assertTrue(TestGateways.await(() -> s.watching() == 0, 5000), "the connection stays open");
        events.all.clear();
        events.texts.clear();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        Thread.sleep(300);
        assertEquals(List.of(), new ArrayList<>(events.all));
    }

    @Test
    void theListEndpointsAnswerWithVersionAndItemsAndTheLicenseEndpointAnswers() throws Exception {
        CdsTestServer s = server();
        s.upsert(ID, config(3478, "127.0.0.1", "10.1.0.0/16"));
        s.upsert("otherns/gateway", config(3479, "127.0.0.1", "10.1.0.0/16"));
        HttpClient http = HttpClient.newHttpClient();
        JsonNode all = JSON.readTree(get(http, s.origin() + "/api/v1/configs").body());
        assertEquals("v1", all.path("version").asText());
        assertEquals(2, all.path("items").size());
        JsonNode ns = JSON.readTree(get(http, s.origin() + "/api/v1/configs/testns").body());
        assertEquals(1, ns.path("items").size());
        assertEquals(ID, ns.path("items").get(0).path("admin").path("name").asText());
        assertEquals(200, get(http, s.origin() + "/api/v1/license").statusCode());
        HttpResponse<String> missing = get(http, s.origin() + "/api/v1/configs/testns/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("{\"code\":404,\"message\":\"Config not found for ID testns/nope\"}", missing.body());
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void originsReadAsStunnerdReadsThem() throws Exception {
        assertEquals(new CdsOrigin(false, "127.0.0.1", 13478), CdsOrigin.parse(":13478"));
        assertEquals(new CdsOrigin(false, "10.0.0.7", 13478), CdsOrigin.parse("10.0.0.7:13478"));
        assertEquals(new CdsOrigin(false, "cds", 13478), CdsOrigin.parse("ws://cds:13478/api/v1/configs/ns/gw"));
        assertEquals(new CdsOrigin(true, "cds", 443), CdsOrigin.parse("https://cds"));
        assertEquals(new CdsOrigin(false, "[::1]", 13478), CdsOrigin.parse("http://[::1]:13478"));
        CdsOrigin o = CdsOrigin.parse("wss://cds:8443");
        assertEquals("https://cds:8443/api/v1/configs/ns/gw?node=n%201", o.configUri("ns", "gw", "n 1").toString()
                .replace("+", "%20"));
        assertEquals("ws://cds:8443/api/v1/configs/ns/gw?node=n&watch=true", o.watchUri("ns", "gw", "n").toString(),
                "the watch is always ws, as stunnerd forces it");
        assertEquals("ws://cds:8443/api/v1/configs/ns/gw?watch=true", o.watchUri("ns", "gw", null).toString());
        assertEquals("http://cds:8443", o.originHeader());
        assertThrows(ConfigException.class, () -> CdsOrigin.parse("ftp://cds:1"));
        assertThrows(ConfigException.class, () -> CdsOrigin.parse("cds:70000"));
    }
}
