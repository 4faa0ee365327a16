package io.turngate.config.k8s;

import io.turngate.config.gateway.EndpointSlice;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KubernetesConfigSource} against fabric8's mock API server in CRUD mode: the cluster renders exactly as the
 * same objects in a file do; every kind is followed through create, update and delete; Gateways of another class are
 * ignored; a burst of changes is one render; bad objects and broken Gateways are reported while the rest serves; an
 * API outage is reported once and caught up with.
 */
@Timeout(120)
class KubernetesConfigSourceTest {
    private static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "127.0.0.1");
    private static final String LISTENER = "stunner/udp-gateway/udp-listener";
    private static final String ROUTE = "stunner/worker-udp-route";

    private MockCluster cluster;
    private KubernetesConfigSource source;
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void startCluster() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        cluster.close();
    }

    private KubernetesConfigSource source(String namespace, String gateway) {
        return source(namespace, gateway, Duration.ofMillis(250));
    }

    private KubernetesConfigSource source(String namespace, String gateway, Duration debounce) {
        source = KubernetesConfigSource.using(cluster.client(), KubernetesConfigSource.Options.defaults()
                .withEnv(ENV).withSelection(namespace, gateway)
                .withTimings(debounce, Duration.ofSeconds(10), Duration.ofMillis(100)));
        KubernetesConfigSource s = source;
        recorder.state = () -> "renders " + s.renderCount() + ", degraded " + s.degraded() + ", slices "
                + s.lastResources().map(r -> r.endpointSlices().stream().map(EndpointSlice::addresses).toList().toString())
                .orElse("none");
        return source;
    }

    private static String resource(String name) {
        try (InputStream in = KubernetesConfigSourceTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ClusterConfig cluster(StunnerConfig c, String name) {
        return c.clusters().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    }

    private static List<String> endpoints(StunnerConfig c, String name) {
        ClusterConfig cc = cluster(c, name);
        return cc == null ? null : cc.endpoints();
    }

    private static ListenerConfig listener(StunnerConfig c, String name) {
        return c.listeners().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void theClusterRendersExactlyAsTheSameObjectsInAFile(@TempDir Path dir) throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        ConfigSources.Loaded fromCluster = source(null, null).load();
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, resource("k8s/cluster.yaml"));
        ConfigSources.Loaded fromFile = ConfigSources.load(file, ENV, null);

        assertEquals(fromFile.config(), fromCluster.config());
        assertEquals(ConfigSources.GATEWAY, fromCluster.sourceKind());
        assertEquals("stunner/udp-gateway", fromCluster.config().admin().name());
        assertEquals(List.of("10.244.1.17", "10.244.2.9", "10.96.148.23"), endpoints(fromCluster.config(), ROUTE));
        assertEquals("127.0.0.1", listener(fromCluster.config(), LISTENER).address());
        assertTrue(source.lastResources().orElseThrow().fromCluster());
        assertEquals(Optional.empty(), source.degraded());
    }

    @Test
    void followsEveryKindThroughCreateUpdateAndDelete() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        source(null, null).load();
        source.watch(recorder);

        // EndpointSlice: update, delete, create
        cluster.apply(slice("10.244.1.17", "10.244.3.3"));
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.1.17", "10.244.3.3", "10.96.148.23")),
                "slice update");
        cluster.delete("discovery.k8s.io/v1", "EndpointSlice", "cloudretro", "worker-ci-udp-x7k2p");
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.96.148.23")), "slice delete: ClusterIP only");
        cluster.apply(slice("10.244.4.4"));
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.4.4", "10.96.148.23")), "slice create");

        // Service: update, delete (the backend has only the slice's pods), create
        cluster.apply(WORKER_SERVICE.replace("10.96.148.23", "10.96.0.99"));
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.4.4", "10.96.0.99")), "service update");
        cluster.delete("v1", "Service", "cloudretro", "worker-ci-udp");
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.4.4")), "service delete");

        // StaticService and a second UDPRoute: create, update, delete
        cluster.apply(STATIC_ROUTE + STATIC_SERVICE.replace("PREFIX", "192.0.2.0/24"));
        recorder.await(c -> List.of("192.0.2.0/24").equals(endpoints(c, "stunner/static-route"))
                && listener(c, LISTENER).routes().equals(List.of("stunner/static-route", ROUTE)), "second route");
        cluster.apply(STATIC_SERVICE.replace("PREFIX", "198.51.100.0/24"));
        recorder.await(c -> List.of("198.51.100.0/24").equals(endpoints(c, "stunner/static-route")),
                "staticservice update");
        cluster.delete("stunner.l7mp.io/v1", "StaticService", "stunner", "media-plane");
        recorder.await(c -> List.of().equals(endpoints(c, "stunner/static-route")), "staticservice delete");
        cluster.delete("stunner.l7mp.io/v1", "UDPRoute", "stunner", "static-route");
        recorder.await(c -> cluster(c, "stunner/static-route") == null
                && listener(c, LISTENER).routes().equals(List.of(ROUTE)), "udproute delete");

        // GatewayConfig: update inline, then credentials from a Secret (watched by name), updated and deleted
        cluster.apply(resource("k8s/cluster.yaml").replace("realm: stunner.l7mp.io", "realm: realm-2.example"));
        recorder.await(c -> c.auth().realm().equals("realm-2.example"), "gatewayconfig update");
        cluster.apply(AUTH_SECRET.replace("PASS", "cGFzcy0y") + GATEWAY_CONFIG_WITH_AUTH_REF);
        recorder.await(c -> "pass-2".equals(c.auth().credentials().get("password"))
                && "user-2".equals(c.auth().credentials().get("username")), "authRef Secret");
        cluster.apply(AUTH_SECRET.replace("PASS", "cGFzcy0z"));
        recorder.await(c -> "pass-3".equals(c.auth().credentials().get("password")), "secret update");
        int rejectedBefore = recorder.rejected.size();
        cluster.delete("v1", "Secret", "stunner", "auth-secret");
        recorder.awaitRejection(rejectedBefore, "secret delete");
        assertTrue(recorder.rejected.get(rejectedBefore).getMessage().contains("auth-secret"),
                recorder.rejected.get(rejectedBefore).getMessage());
        assertEquals("pass-3", recorder.last.auth().credentials().get("password"), "the last good config serves on");
        cluster.apply(AUTH_SECRET.replace("PASS", "cGFzcy00"));
        recorder.await(c -> "pass-4".equals(c.auth().credentials().get("password")), "secret re-created");

        // Gateway update: a second listener
        cluster.apply(GATEWAY_TWO_LISTENERS);
        recorder.await(c -> c.listeners().size() == 2 && listener(c, "stunner/udp-gateway/udp-listener-2") != null
                && listener(c, "stunner/udp-gateway/udp-listener-2").port() == 3479, "gateway update");

        // Node (with the Gateway's NodePort Service): the public address follows the node's ExternalIP
        cluster.apply(NODE_PORT_SERVICE + NODE.replace("ADDR", "203.0.113.7"));
        recorder.await(c -> "203.0.113.7".equals(listener(c, LISTENER).publicAddress())
                && listener(c, LISTENER).publicPort() == 30478, "node create");
        cluster.apply(NODE.replace("ADDR", "203.0.113.8"));
        recorder.await(c -> "203.0.113.8".equals(listener(c, LISTENER).publicAddress()), "node update");
        cluster.delete("v1", "Node", "", "node-1");
        recorder.await(c -> listener(c, LISTENER).publicAddress() == null
                || listener(c, LISTENER).publicAddress().isEmpty(), "node delete");

        // Dataplane (optional CRD, installed here): its metrics switch renders into admin
        cluster.apply(DATAPLANE);
        recorder.await(c -> "http://:8080/metrics".equals(c.admin().metricsEndpoint()), "dataplane create");

        // GatewayClass update to another controller, then the Gateway deleted: rejected, the last config serves on
        rejectedBefore = recorder.rejected.size();
        cluster.apply(resource("k8s/cluster.yaml").replace("\"stunner.l7mp.io/gateway-operator\"", "example.com/other"));
        recorder.awaitRejection(rejectedBefore, "gatewayclass of another controller");
        assertTrue(recorder.rejected.get(rejectedBefore).getMessage().contains("no Gateway to render"),
                recorder.rejected.get(rejectedBefore).getMessage());
        cluster.applyResource("k8s/cluster.yaml");
        recorder.await(c -> c.listeners().size() == 1, "gatewayclass restored (and the Gateway with one listener)");
        rejectedBefore = recorder.rejected.size();
        cluster.delete("gateway.networking.k8s.io/v1", "Gateway", "stunner", "udp-gateway");
        recorder.awaitRejection(rejectedBefore, "gateway delete");
        cluster.delete("gateway.networking.k8s.io/v1", "GatewayClass", "", "stunner-gatewayclass");
        Thread.sleep(600);
        assertEquals(rejectedBefore + 1, recorder.rejected.size(), "the same problems are reported once");
        assertEquals(List.of(), recorder.troubles);
    }

    @Test
    void gatewaysOfAnotherClassAreIgnored() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        cluster.apply(OTHER_CLASS_GATEWAY);
        ConfigSources.Loaded l = source(null, null).load();
        assertEquals("stunner/udp-gateway", l.config().admin().name(), "the only STUNner Gateway, no choice needed");
        ConfigException e = assertThrows(ConfigException.class, () -> {
            source.close();
            source(null, "stunner/istio-gateway").load();
        });
        assertTrue(e.getMessage().contains("istio-gateway"), e.getMessage());
    }

    @Test
    void severalGatewaysNeedAChoiceByNameOrNamespace() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        cluster.apply(SECOND_GATEWAY);
        ConfigException e = assertThrows(ConfigException.class, () -> source(null, null).load());
        assertTrue(e.getMessage().contains("2 Gateways render") && e.getMessage().contains("stunner/udp-gateway")
                && e.getMessage().contains("media/media-gateway"), e.getMessage());
        source.close();
        assertEquals("media/media-gateway", source("media", null).load().config().admin().name());
        source.close();
        assertEquals("stunner/udp-gateway", source("stunner", "udp-gateway").load().config().admin().name());
        source.close();
        assertEquals("media/media-gateway", source(null, "media/media-gateway").load().config().admin().name());
    }

    @Test
    void aBurstOfEndpointSliceUpdatesIsOneRender() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        // A debounce longer than the burst usually takes, and a bound from how long it did take: each debounce
        // window that the burst spans may end in a render of its own (20 writes took over 750 ms under load, which
        // a 250 ms window turned into 4 renders), and without debouncing there would be 20.
        long debounceMillis = 1000;
        source(null, null, Duration.ofMillis(debounceMillis)).load();
        source.watch(recorder);
        recorder.awaitQuiet();
        long before = source.renderCount();
        long start = System.nanoTime();
        for (int i = 1; i <= 20; i++) {
            cluster.apply(slice("10.244.5." + i));
        }
        long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.5.20", "10.96.148.23")), "the last update");
        long renders = source.renderCount() - before;
        long bound = 2 + burstMillis / debounceMillis;
        assertTrue(bound < 20, "the burst took " + burstMillis + " ms: too slow to tell debouncing from none");
        assertTrue(renders <= bound, "20 updates in a burst of " + burstMillis + " ms took " + renders
                + " renders (expected: debounced to 1-" + bound + ")");
    }

    @Test
    void anObjectThatDoesNotReadIsLeftOutAndTheRestServes() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        cluster.apply(STATIC_ROUTE.replace("name: media-plane", "name: media-plane\n          port: \"not-a-port\""));
        ConfigSources.Loaded l = source(null, null).load();
        assertEquals(List.of(ROUTE), listener(l.config(), LISTENER).routes());
        assertTrue(l.warnings().stream().anyMatch(w -> w.contains("udproute stunner/static-route")
                && w.contains("(object ignored)")), l.warnings().toString());
        assertTrue(source.lastResources().orElseThrow().skipped().containsKey("udproute stunner/static-route"));
    }

    @Test
    void onlyReferencedSecretsAreWatched() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        cluster.apply(AUTH_SECRET.replace("PASS", "cGFzcy0y") + OTHER_SECRET + GATEWAY_CONFIG_WITH_AUTH_REF);
        ConfigSources.Loaded l = source(null, null).load();
        assertEquals("pass-2", l.config().auth().credentials().get("password"));
        GatewayResources res = source.lastResources().orElseThrow();
        assertEquals(List.of("stunner/auth-secret"), res.secrets().stream().map(s -> s.key()).toList());
    }

    @Test
    void theV1alpha2UdpRouteIsWatchedOnlyWhenItsCrdIsInstalled() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        source(null, null).load();
        assertFalse(source.watchesForTests(WatchedKind.UDP_ROUTE_V1ALPHA2));
        assertEquals(Optional.empty(), source.degraded(), "an absent optional CRD is no trouble");
        source.close();
        cluster.applyResource("k8s/crd-udproute-v1alpha2.yaml");
        cluster.apply(V1ALPHA2_ROUTE);
        ConfigSources.Loaded l = source(null, null).load();
        assertTrue(source.watchesForTests(WatchedKind.UDP_ROUTE_V1ALPHA2));
        assertEquals(List.of("192.0.2.1"), endpoints(l.config(), "stunner/alpha-route"));
    }

    @Test
    void anOutageIsReportedOnceTheLastConfigServesAndChangesMadeMeanwhileAreCaughtUp() throws Exception {
        cluster.applyResource("k8s/cluster.yaml");
        source(null, null).load();
        source.watch(recorder);
        recorder.awaitQuiet();
        // An outage of a source in its steady state: every informer watches. (The watches start after load()
        // returns; one whose first watch request meets the outage falls back to a plain HTTP watch, which a real
        // API server serves and this mock server does not.)
        assertTrue(awaitTrue(() -> source.notWatchingForTests().isEmpty(), 10_000),
                "not watching before the outage: " + source.notWatchingForTests());
        int loadedBefore = recorder.loaded.size();

        cluster.stop();
        assertTrue(recorder.awaitTrouble(10_000), "the outage is reported");
        assertTrue(source.degraded().isPresent());
        assertTrue(source.degraded().get().contains("unreachable"), source.degraded().get());
        cluster.whileDown(c -> c.apply(slice("10.244.9.9")));
        Thread.sleep(1500); // informers keep retrying with back-off meanwhile
        assertEquals(loadedBefore, recorder.loaded.size(), "nothing new delivered while the API is down");

        cluster.restart();
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.9.9", "10.96.148.23")),
                "the change made during the outage");
        assertTrue(awaitTrue(() -> source.degraded().isEmpty(), 10_000), "healthy again");
        assertEquals(1, recorder.troubles.size(), "reported once: " + recorder.troubles);

        cluster.apply(slice("10.244.9.10"));
        recorder.await(c -> endpoints(c, ROUTE).equals(List.of("10.244.9.10", "10.96.148.23")), "watching again");
    }

    @Test
    void loadFailsClearlyWhenTheApiServerIsNotThere() {
        int port = MockCluster.freePort();
        io.fabric8.kubernetes.client.KubernetesClient c = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
                        .withMasterUrl("http://127.0.0.1:" + port).withRequestTimeout(500).withConnectionTimeout(500)
                        .withRequestRetryBackoffLimit(0).build()).build();
        try (KubernetesConfigSource s = KubernetesConfigSource.using(c, KubernetesConfigSource.Options.defaults()
                .withTimings(null, Duration.ofSeconds(2), Duration.ofMillis(100)))) {
            ConfigException e = assertThrows(ConfigException.class, s::load);
            assertTrue(e.getMessage().contains("not listed within 2 s") && e.getMessage().contains("gateways"),
                    e.getMessage());
            assertTrue(s.degraded().isPresent());
        } finally {
            c.close();
        }
    }

    private static boolean awaitTrue(java.util.function.BooleanSupplier p, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!p.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    // ---- objects -----------------------------------------------------------------------------------------

    static String slice(String... addresses) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: worker-ci-udp-x7k2p
                  namespace: cloudretro
                  labels:
                    kubernetes.io/service-name: worker-ci-udp
                addressType: IPv4
                endpoints:
                """);
        for (String a : addresses) {
            sb.append("  - addresses: [\"").append(a).append("\"]\n");
        }
        return sb.append("---\n").toString();
    }

    static final String WORKER_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: worker-ci-udp
              namespace: cloudretro
            spec:
              clusterIP: 10.96.148.23
              ports:
                - port: 8443
                  protocol: UDP
            ---
            """;

    static final String STATIC_ROUTE = """
            apiVersion: stunner.l7mp.io/v1
            kind: UDPRoute
            metadata:
              name: static-route
              namespace: stunner
            spec:
              parentRefs:
                - name: udp-gateway
              rules:
                - backendRefs:
                    - group: stunner.l7mp.io
                      kind: StaticService
                      name: media-plane
            ---
            """;

    static final String STATIC_SERVICE = """
            apiVersion: stunner.l7mp.io/v1
            kind: StaticService
            metadata:
              name: media-plane
              namespace: stunner
            spec:
              prefixes: ["PREFIX"]
            ---
            """;

    static final String AUTH_SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: auth-secret
              namespace: stunner
            type: Opaque
            data:
              type: c3RhdGlj
              username: dXNlci0y
              password: PASS
            ---
            """;

    static final String OTHER_SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: unrelated
              namespace: stunner
            data:
              token: c2VjcmV0
            ---
            """;

    static final String GATEWAY_CONFIG_WITH_AUTH_REF = """
            apiVersion: stunner.l7mp.io/v1
            kind: GatewayConfig
            metadata:
              name: stunner-gatewayconfig
              namespace: stunner
            spec:
              realm: stunner.l7mp.io
              authRef:
                name: auth-secret
            ---
            """;

    static final String GATEWAY_TWO_LISTENERS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: udp-gateway
              namespace: stunner
            spec:
              gatewayClassName: stunner-gatewayclass
              listeners:
                - name: udp-listener
                  port: 3478
                  protocol: TURN-UDP
                - name: udp-listener-2
                  port: 3479
                  protocol: TURN-UDP
            ---
            """;

    static final String NODE_PORT_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: udp-gateway
              namespace: stunner
            spec:
              type: NodePort
              clusterIP: 10.96.7.7
              ports:
                - name: udp-listener
                  port: 3478
                  protocol: UDP
                  nodePort: 30478
            ---
            """;

    static final String NODE = """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-1
            status:
              addresses:
                - type: InternalIP
                  address: 10.0.0.5
                - type: ExternalIP
                  address: ADDR
            ---
            """;

    static final String DATAPLANE = """
            apiVersion: stunner.l7mp.io/v1
            kind: Dataplane
            metadata:
              name: default
            spec:
              image: l7mp/stunnerd:latest
              enableMetricsEndpoint: true
            ---
            """;

    static final String OTHER_CLASS_GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata:
              name: istio
            spec:
              controllerName: istio.io/gateway-controller
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: istio-gateway
              namespace: stunner
            spec:
              gatewayClassName: istio
              listeners:
                - name: http
                  port: 80
                  protocol: HTTP
            ---
            """;

    static final String SECOND_GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: media-gateway
              namespace: media
            spec:
              gatewayClassName: stunner-gatewayclass
              listeners:
                - name: udp-listener
                  port: 3480
                  protocol: TURN-UDP
            ---
            """;

    static final String V1ALPHA2_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: UDPRoute
            metadata:
              name: alpha-route
              namespace: stunner
            spec:
              parentRefs:
                - name: udp-gateway
              rules:
                - backendRefs:
                    - group: stunner.l7mp.io
                      kind: StaticService
                      name: alpha-peers
                      port: 9
            ---
            apiVersion: stunner.l7mp.io/v1
            kind: StaticService
            metadata:
              name: alpha-peers
              namespace: stunner
            spec:
              prefixes: ["192.0.2.1"]
            ---
            """;

    /** Records what the source reports; waits bounded. */
    static final class Recorder implements ConfigSource.Listener {
        final List<ConfigSources.Loaded> loaded = new CopyOnWriteArrayList<>();
        final List<ConfigException> rejected = new CopyOnWriteArrayList<>();
        final List<String> troubles = new CopyOnWriteArrayList<>();
        volatile StunnerConfig last;
        /** What the source says of itself, for a failure's message. */
        volatile java.util.function.Supplier<String> state = () -> "";
        private volatile long lastEventNanos = System.nanoTime();

        @Override
        public void loaded(ConfigSources.Loaded config) {
            last = config.config();
            loaded.add(config);
            lastEventNanos = System.nanoTime();
        }

        @Override
        public void rejected(ConfigException problems) {
            rejected.add(problems);
            lastEventNanos = System.nanoTime();
        }

        @Override
        public void trouble(String message) {
            troubles.add(message);
        }

        /** Waits (at most 10 s) until the last delivered config satisfies {@code p}. */
        void await(Predicate<StunnerConfig> p, String what) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                StunnerConfig c = last;
                try {
                    if (c != null && p.test(c)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // a predicate on a config that lacks what it looks at: not yet
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(what + ": not delivered within 10 s; last config: " + c
                            + "; rejections: " + rejected + "; " + state.get());
                }
                Thread.sleep(20);
            }
        }

        /** Waits (at most 10 s) for a rejection after the first {@code before}. */
        void awaitRejection(int before, String what) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (rejected.size() <= before) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(what + ": no rejection within 10 s; last config: " + last);
                }
                Thread.sleep(20);
            }
        }

        boolean awaitTrouble(long millis) throws InterruptedException {
            return awaitTrue(() -> !troubles.isEmpty(), millis);
        }

        /** Waits until nothing was delivered for a second (at most 10 s). */
        void awaitQuiet() throws InterruptedException {
            awaitTrue(() -> System.nanoTime() - lastEventNanos > 1_000_000_000L, 10_000);
        }
    }
}
