package io.turngate.config.k8s;

import io.turngate.config.SharedFixtures;
import io.turngate.config.load.ConfigSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes source against the mock API server with the real CRDs registered (STUNner's and the Gateway API's,
 * from the shared fixtures) instead of the suite's minimal ones: the same cluster renders the same config, the
 * experimental v1alpha2 UDPRoute of Gateway API v1.4.1 is watched, and v1.6.0's UDPRoute (which no longer serves
 * v1alpha2) is not.
 */
@Tag(SharedFixtures.TAG)
@Timeout(120)
class KubernetesSourceUpstreamCrdsTest {
    private static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "127.0.0.1");

    private static MockCluster clusterWith(String udpRouteCrd) {
        Path crds = SharedFixtures.dir().resolve("fixtures").resolve("stunner").resolve("crds");
        MockCluster c = MockCluster.startWithoutCrds();
        for (String f : List.of("stunner/stunner.l7mp.io_gatewayconfigs.yaml", "stunner/stunner.l7mp.io_udproutes.yaml",
                "stunner/stunner.l7mp.io_staticservices.yaml", "stunner/stunner.l7mp.io_dataplanes.yaml",
                "gateway-api/v1.4.1/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
                "gateway-api/v1.4.1/standard/gateway.networking.k8s.io_gateways.yaml", udpRouteCrd)) {
            c.applyFile(crds.resolve(f));
        }
        c.applyResource("k8s/cluster.yaml");
        return c;
    }

    private static KubernetesConfigSource source(MockCluster c) {
        return KubernetesConfigSource.using(c.client(), KubernetesConfigSource.Options.defaults().withEnv(ENV)
                .withTimings(null, Duration.ofSeconds(10), Duration.ofMillis(100)));
    }

    @Test
    void theRealCrdsServeTheSameConfigAndTheV1alpha2RouteWhereGatewayApiServesIt() throws Exception {
        try (MockCluster c = clusterWith("gateway-api/v1.4.1/experimental/gateway.networking.k8s.io_udproutes.yaml");
             KubernetesConfigSource s = source(c)) {
            ConfigSources.Loaded l = s.load();
            assertEquals(List.of("10.244.1.17", "10.244.2.9", "10.96.148.23"), l.config().clusters().get(0).endpoints());
            assertTrue(s.watchesForTests(WatchedKind.UDP_ROUTE_V1ALPHA2), "v1.4.1 experimental serves v1alpha2");
            assertTrue(s.watchesForTests(WatchedKind.DATAPLANE));
            assertTrue(s.degraded().isEmpty());
        }
    }

    @Test
    void gatewayApiV16NoLongerServesTheV1alpha2Route() throws Exception {
        try (MockCluster c = clusterWith("gateway-api/v1.6.0/standard/gateway.networking.k8s.io_udproutes.yaml");
             KubernetesConfigSource s = source(c)) {
            s.load();
            assertFalse(s.watchesForTests(WatchedKind.UDP_ROUTE_V1ALPHA2));
            assertTrue(s.degraded().isEmpty());
        }
    }
}
