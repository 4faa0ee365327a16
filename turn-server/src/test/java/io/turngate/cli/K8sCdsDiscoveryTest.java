package io.turngate.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.turngate.config.cds.CdsOrigin;
import io.turngate.config.cds.K8sCdsDiscovery;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -c k8s} discovery as stunnerd does it ({@code DiscoverK8sCDSServer}) against {@link FakeKubeApi}: the flags
 * and their {@code CDS_SERVER_*} defaults, the label, one namespace or all, exactly one pod, and a port-forward.
 */
@Timeout(30)
class K8sCdsDiscoveryTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private FakeKubeApi api(int forwardTo, String... pods) throws InterruptedException {
        FakeKubeApi api = new FakeKubeApi(List.of(pods), forwardTo).start();
        open.add(api);
        return api;
    }

    private static Supplier<KubernetesClient> client(FakeKubeApi api) {
        return () -> new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + api.port()).withRequestRetryBackoffLimit(0).build()).build();
    }

    private K8sCdsDiscovery discovery(K8sCdsDiscovery.Settings settings, Supplier<KubernetesClient> clients) {
        K8sCdsDiscovery d = new K8sCdsDiscovery(settings, clients);
        open.add(d);
        return d;
    }

    @Test
    void flagsWinOverTheEnvironmentAndThePortDefaultsTo13478() throws Exception {
        Map<String, String> env = Map.of("CDS_SERVER_ADDR", "10.0.0.7", "CDS_SERVER_NAMESPACE", "stunner-system",
                "CDS_SERVER_PORT", "13479");
        assertEquals(new K8sCdsDiscovery.Settings("10.0.0.7", "stunner-system", 13479),
                K8sCdsDiscovery.Settings.of(null, null, null, env));
        assertEquals(new K8sCdsDiscovery.Settings("127.0.0.1", "ns", 1000),
                K8sCdsDiscovery.Settings.of("127.0.0.1", "ns", "1000", env));
        assertEquals(new K8sCdsDiscovery.Settings(null, null, 13478), K8sCdsDiscovery.Settings.of(null, null, null, Map.of()));
        ConfigException e = assertThrows(ConfigException.class, () -> K8sCdsDiscovery.Settings.of(null, null, "x", Map.of()));
        assertTrue(e.getMessage().contains("--cds-server-port: \"x\" (expected: 1..65535)"), e.getMessage());
    }

    @Test
    void anExplicitAddressIsUsedWithoutAskingKubernetes() throws Exception {
        K8sCdsDiscovery d = discovery(new K8sCdsDiscovery.Settings("127.0.0.1", null, 13478), () -> {
            throw new AssertionError("no Kubernetes client with an explicit address");
        });
        assertEquals(new CdsOrigin(false, "127.0.0.1", 13478), d.locate(false));
        assertEquals(new CdsOrigin(false, "[::1]", 13478),
                discovery(new K8sCdsDiscovery.Settings("::1", null, 13478), () -> null).locate(false));
    }

    @Test
    void theOnePodLabelledAsTheCdsIsPortForwardedToLoopback() throws Exception {
        try (CdsTestServer cds = new CdsTestServer().start(0)) {
            FakeKubeApi api = api(cds.port(), "stunner-system/operator-0");
            K8sCdsDiscovery d = discovery(new K8sCdsDiscovery.Settings(null, "stunner-system", 13478), client(api));
            CdsOrigin o = d.locate(false);
            assertEquals("127.0.0.1", o.host());
            assertTrue(o.port() != cds.port(), "the local end of a forward, not the server itself");
            assertTrue(api.requests.get(0).startsWith("GET /api/v1/namespaces/stunner-system/pods?labelSelector="),
                    api.requests.toString());
            assertTrue(java.net.URLDecoder.decode(api.requests.get(0), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("labelSelector=stunner.l7mp.io/config-discovery-service=enabled"), api.requests.toString());
            assertEquals(o, d.locate(false), "the forward is kept while it works");
            assertEquals(1, api.requests.size(), "no second lookup while it works: " + api.requests);
            assertTrue(d.describe().contains("pod stunner-system/operator-0 port 13478"), d.describe());
        }
    }

    @Test
    void noPodOrTwoPodsAreClearErrors() throws Exception {
        FakeKubeApi none = api(1);
        IOException e0 = assertThrows(IOException.class,
                () -> discovery(new K8sCdsDiscovery.Settings(null, null, 13478), client(none)).locate(false));
        assertTrue(e0.getMessage().contains("no config discovery service: no running pod labelled"
                + " stunner.l7mp.io/config-discovery-service=enabled in any namespace"), e0.getMessage());
        FakeKubeApi two = api(1, "a/operator-0", "b/operator-1");
        IOException e2 = assertThrows(IOException.class,
                () -> discovery(new K8sCdsDiscovery.Settings(null, null, 13478), client(two)).locate(false));
        assertTrue(e2.getMessage().contains("2 config discovery service pods"), e2.getMessage());
        assertTrue(e2.getMessage().contains("[a/operator-0, b/operator-1]"), e2.getMessage());
        assertTrue(e2.getMessage().contains("--cds-server-namespace"), e2.getMessage());
    }
}
