package io.turngate.cli;

import io.turngate.admin.AdminServers;
import io.turngate.admin.Readiness;
import io.turngate.config.k8s.KubernetesConfigSource;
import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;
import io.turngate.server.TestGateways;
import io.turngate.server.TestPeer;
import io.turngate.server.TestTurnClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubernetes mode end to end, on loopback: a real in-process gateway fed by {@link KubernetesConfigSource} through
 * the daemon's {@link ConfigPipeline}, fabric8's mock API server in CRUD mode as the cluster. Ten allocations relay
 * to the worker pods (an echo peer on each of 127.0.0.2-6) while the worker EndpointSlice gains two addresses and
 * loses one, and a second route is attached; then the API server is stopped and restarted while traffic flows, and
 * a change made meanwhile is caught up with. Every packet to an endpoint that stayed comes back.
 */
@Timeout(180)
class KubernetesRelayTest {
    private static final int CLIENTS = 10;
    private static final int CH_WORKER = 0x4000;
    private static final int CH_ADDED = 0x4001;
    private static final int CH_MEDIA = 0x4002;
    private static final int CH_LATE = 0x4003;
    private static final String ROUTE = "stunner/worker-route";

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private static String cluster(int port) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata:
                  name: stunner-gatewayclass
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: stunner-gatewayconfig, namespace: stunner}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: stunner-gatewayconfig, namespace: stunner}
                spec: {realm: turngate.test, authType: static, userName: user-1, password: pass-1}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: Dataplane
                metadata: {name: default}
                spec: {disableHealthCheck: true}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: udp-gateway, namespace: stunner}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners: [{name: udp-listener, port: PORT, protocol: TURN-UDP}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: worker-route, namespace: stunner}
                spec:
                  parentRefs: [{name: udp-gateway}]
                  rules: [{backendRefs: [{name: worker, namespace: games}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: worker, namespace: games}
                spec: {clusterIP: None, ports: [{port: 9000, protocol: UDP}]}
                ---
                """.replace("PORT", Integer.toString(port)) + slice("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
                "127.0.0.6");
    }

    private static String slice(String... addresses) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: worker-abcde
                  namespace: games
                  labels: {kubernetes.io/service-name: worker}
                addressType: IPv4
                endpoints:
                """);
        for (String a : addresses) {
            sb.append("  - addresses: [\"").append(a).append("\"]\n");
        }
        return sb.append("---\n").toString();
    }

    private static final String MEDIA_ROUTE = """
            apiVersion: stunner.l7mp.io/v1
            kind: UDPRoute
            metadata: {name: media-route, namespace: stunner}
            spec:
              parentRefs: [{name: udp-gateway}]
              rules: [{backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: media}]}]
            ---
            apiVersion: stunner.l7mp.io/v1
            kind: StaticService
            metadata: {name: media, namespace: stunner}
            spec: {prefixes: ["127.0.0.20/32"]}
            ---
            """;

    /** The pipeline the daemon runs, plus what the source reported. */
    private static final class Pipeline implements ConfigSource.Listener {
        final ConfigPipeline inner;
        final List<String> troubles = new CopyOnWriteArrayList<>();
        final List<ConfigException> rejected = new CopyOnWriteArrayList<>();

        Pipeline(ConfigPipeline inner) {
            this.inner = inner;
        }

        @Override
        public void loaded(ConfigSources.Loaded config) {
            inner.loaded(config);
        }

        @Override
        public void rejected(ConfigException problems) {
            rejected.add(problems);
            inner.rejected(problems);
        }

        @Override
        public void trouble(String message) {
            troubles.add(message);
            inner.trouble(message);
        }
    }

    /** One client's bound channels: channel → peer, and per channel the sequence numbers echoed. */
    private static final class Allocation {
        final TestTurnClient client;
        final Map<Integer, TestPeer> peers = new HashMap<>();
        final Map<Integer, Integer> echoed = new HashMap<>();
        final Map<Integer, Integer> sent = new HashMap<>();

        Allocation(TestTurnClient client) {
            this.client = client;
        }

        void bind(int channel, TestPeer peer) {
            TestTurnClient.Response r = client.channelBind(channel, peer.address());
            assertTrue(r.isSuccess(), "ChannelBind to " + peer.address() + ": " + r);
            peers.put(channel, peer);
        }
    }

    @Test
    void tenAllocationsRelayThroughEndpointChangesANewRouteAndAnApiOutage() throws Exception {
        int port = TestGateways.freeUdpPort();
        MockKubernetes k8s = track(MockKubernetes.start());
        k8s.apply(cluster(port));
        Map<String, TestPeer> peers = new HashMap<>();
        for (String ip : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7",
                "127.0.0.8", "127.0.0.9", "127.0.0.20")) {
            peers.put(ip, track(TestPeer.on(InetAddress.getByName(ip), true)));
        }

        KubernetesConfigSource source = track(KubernetesConfigSource.using(k8s.client(),
                KubernetesConfigSource.Options.defaults().withEnv(Map.of("STUNNER_ADDR", "127.0.0.1"))
                        .withSelection(null, "stunner/udp-gateway")
                        .withTimings(null, Duration.ofSeconds(10), Duration.ofMillis(100))));
        ConfigSources.Loaded first = source.load();
        Gateway gw = track(Gateway.start(first.config()));
        Readiness readiness = new Readiness(false);
        AdminServers admin = track(new AdminServers(gw, readiness, null, "test", System::currentTimeMillis));
        admin.start(first.config().admin());
        readiness.configApplied();
        Pipeline pipeline = new Pipeline(new ConfigPipeline(gw, admin, readiness, spec -> { }));
        source.watch(pipeline);

        List<Allocation> allocations = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Allocation a = new Allocation(track(TestTurnClient.of(port, TestGateways.USER, TestGateways.PASS)));
            a.client.allocateOrFail();
            a.bind(CH_WORKER, peers.get("127.0.0." + (2 + i % 5)));
            allocations.add(a);
        }
        TestPeer removed = peers.get("127.0.0.3");
        int seq = 0;
        seq = traffic(allocations, seq, 5, null);

        // the EndpointSlice gains two pods: bound as they appear
        k8s.apply(slice("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"));
        awaitConfig(gw, c -> endpoints(c, ROUTE).contains("127.0.0.8"), "slice gains 127.0.0.7-8");
        for (int i = 0; i < CLIENTS; i++) {
            allocations.get(i).bind(CH_ADDED, peers.get(i % 2 == 0 ? "127.0.0.7" : "127.0.0.8"));
        }
        seq = traffic(allocations, seq, 5, null);

        // a second route is attached
        k8s.apply(MEDIA_ROUTE);
        awaitConfig(gw, c -> endpoints(c, "stunner/media-route").equals(List.of("127.0.0.20")), "second route");
        for (Allocation a : allocations) {
            a.bind(CH_MEDIA, peers.get("127.0.0.20"));
        }
        seq = traffic(allocations, seq, 5, null);

        // the EndpointSlice loses a pod: only the packets to it stop
        k8s.apply(slice("127.0.0.2", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"));
        awaitConfig(gw, c -> !endpoints(c, ROUTE).contains("127.0.0.3"), "slice loses 127.0.0.3");
        int removedFrom = seq;
        seq = traffic(allocations, seq, 5, removed);

        // the API server goes away: traffic goes on, the outage is reported once
        k8s.stop();
        assertTrue(TestGateways.await(() -> !pipeline.troubles.isEmpty(), 10_000), "the outage is reported");
        assertTrue(source.degraded().isPresent(), "degraded while the API is down");
        seq = traffic(allocations, seq, 10, removed);
        k8s.applyWhileDown(slice("127.0.0.2", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8",
                "127.0.0.9"));
        seq = traffic(allocations, seq, 5, removed);
        k8s.restart();
        awaitConfig(gw, c -> endpoints(c, ROUTE).contains("127.0.0.9"), "the change made during the outage");
        assertTrue(TestGateways.await(() -> source.degraded().isEmpty(), 10_000), "healthy again");
        for (int i = 0; i < CLIENTS; i++) {
            allocations.get(i).bind(CH_LATE, peers.get("127.0.0.9"));
        }
        seq = traffic(allocations, seq, 5, removed);

        assertEquals(1, pipeline.troubles.size(), "one report per outage: " + pipeline.troubles);
        assertEquals(List.of(), pipeline.rejected);
        assertEquals(1, gw.listenerNames().size());
        for (int i = 0; i < CLIENTS; i++) {
            Allocation a = allocations.get(i);
            for (Map.Entry<Integer, TestPeer> e : a.peers.entrySet()) {
                int ch = e.getKey();
                int sent = a.sent.getOrDefault(ch, 0);
                int echoed = a.echoed.getOrDefault(ch, 0);
                if (e.getValue() == removed) {
                    assertEquals(removedFrom, echoed, "client " + i + ": the removed endpoint got " + echoed
                            + " of " + sent + " (expected: exactly those sent before its removal)");
                } else {
                    assertEquals(sent, echoed, "client " + i + " channel " + Integer.toHexString(ch) + " to "
                            + e.getValue().address() + ": every packet to an endpoint that stayed comes back");
                }
            }
        }
        assertEquals(40, seq, "every batch ran");
    }

    private static List<String> endpoints(StunnerConfig c, String cluster) {
        return c.clusters().stream().filter(x -> x.name().equals(cluster)).map(ClusterConfig::endpoints).findFirst()
                .orElse(List.of());
    }

    private static void awaitConfig(Gateway gw, Predicate<StunnerConfig> p, String what) {
        assertTrue(TestGateways.await(() -> gw.config() != null && p.test(gw.config()), 10_000),
                what + ": not applied within 10 s; running: " + gw.config());
    }

    /**
     * {@code batches} lock-step batches: every allocation sends one numbered packet on each bound channel, then
     * every echo from a peer other than {@code gone} is awaited (at most 5 s a batch).
     *
     * @return the next sequence number
     */
    private static int traffic(List<Allocation> allocations, int seq, int batches, TestPeer gone) {
        for (int b = 0; b < batches; b++, seq++) {
            int expected = 0;
            for (int i = 0; i < allocations.size(); i++) {
                Allocation a = allocations.get(i);
                for (Map.Entry<Integer, TestPeer> e : a.peers.entrySet()) {
                    int ch = e.getKey();
                    a.client.sendChannelData(ch, ByteBuffer.allocate(12).putInt(i).putInt(ch).putInt(seq).array());
                    a.sent.merge(ch, 1, Integer::sum);
                    if (e.getValue() != gone) {
                        expected++;
                    }
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            int got = 0;
            while (got < expected && System.nanoTime() - deadline < 0) {
                for (Allocation a : allocations) {
                    byte[] d;
                    while ((d = a.client.receive(1)) != null) {
                        if (d.length >= 16 && (d[0] & 0xC0) == 0x40) {
                            int ch = ByteBuffer.wrap(d, 8, 4).getInt();
                            a.echoed.merge(ch, 1, Integer::sum);
                            if (a.peers.get(ch) != gone) {
                                got++;
                            }
                        }
                    }
                }
            }
        }
        return seq;
    }
}
