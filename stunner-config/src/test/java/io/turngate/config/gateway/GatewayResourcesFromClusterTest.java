package io.turngate.config.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.render.RenderOptions;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GatewayResources#fromCluster}: the same model as a file, built object by object; a malformed object is left
 * out with a warning instead of rejecting the input, and the renderer makes none of its offline guesses.
 */
class GatewayResourcesFromClusterTest {
    private static final String BASE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: stunner}
            spec:
              controllerName: stunner.l7mp.io/gateway-operator
              parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: cfg, namespace: stunner}
            ---
            apiVersion: stunner.l7mp.io/v1
            kind: GatewayConfig
            metadata: {name: cfg, namespace: stunner}
            spec: {authType: static, userName: u, password: p}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: stunner}
            spec:
              gatewayClassName: stunner
              listeners: [{name: udp, port: 3478, protocol: TURN-UDP}]
            ---
            apiVersion: stunner.l7mp.io/v1
            kind: UDPRoute
            metadata: {name: route, namespace: stunner}
            spec:
              parentRefs: [{name: gw}]
              rules: [{backendRefs: [{name: media}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: media, namespace: stunner}
            spec: {ports: [{port: 9000, protocol: UDP}]}
            ---
            """;

    private static List<JsonNode> objects(String yaml) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : YamlDocuments.read(yaml, "test")) {
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    @Test
    void aMalformedObjectIsLeftOutWithAWarningAndTheRestIsRead() throws Exception {
        GatewayResources res = GatewayResources.fromCluster(objects(BASE + """
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: broken, namespace: stunner}
                spec:
                  parentRefs: [{name: gw}]
                  rules: [{backendRefs: [{name: media, port: "nine"}]}]
                """), "kubernetes");
        assertTrue(res.fromCluster());
        assertEquals(List.of("stunner/route"), res.udpRoutes().stream().map(UdpRoute::key).toList());
        assertEquals(List.of("udproute stunner/broken"), List.copyOf(res.skipped().keySet()));
        assertTrue(res.warnings().stream().anyMatch(w -> w.startsWith("kubernetes: udproute stunner/broken: ")
                && w.endsWith("(object ignored)")), res.warnings().toString());
        assertEquals("kubernetes", res.gateways().get(0).origin().toString());
    }

    @Test
    void fromAClusterAServiceWithoutEndpointsIsSkippedAsTheOperatorDoesNotGuessedAsDns() throws Exception {
        GatewayResources file = GatewayResources.parse(BASE, "manifests.yaml");
        GatewayResources cluster = GatewayResources.fromCluster(objects(BASE), "kubernetes");
        Map<String, String> env = Map.of("STUNNER_ADDR", "10.0.0.1");
        StunnerConfig offline = ConfigSources.render(file, env, null, null, RenderOptions.DEFAULT).config();
        StunnerConfig live = ConfigSources.render(cluster, env, null, null, RenderOptions.DEFAULT).config();
        assertEquals(ClusterType.STRICT_DNS, offline.clusters().get(0).type(), "manifests: the offline guess");
        assertEquals(List.of(), live.clusters().get(0).endpoints(), "a cluster: no endpoints, backend skipped");
        assertFalse(file.fromCluster());
    }

    @Test
    void theNamespaceLimitsTheCandidateGateways() throws Exception {
        GatewayResources res = GatewayResources.fromCluster(objects(BASE + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: other}
                spec:
                  gatewayClassName: stunner
                  listeners: [{name: udp, port: 3479, protocol: TURN-UDP}]
                """), "kubernetes");
        Map<String, String> env = Map.of("STUNNER_ADDR", "10.0.0.1");
        assertEquals("other/gw", ConfigSources.render(res, env, null, "other", null).config().admin().name());
        assertEquals("stunner/gw", ConfigSources.render(res, env, "gw", "stunner", null).config().admin().name());
        io.turngate.config.v1.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.turngate.config.v1.ConfigException.class, () -> ConfigSources.render(res, env, null, "none", null));
        assertTrue(e.getMessage().contains("no Gateway to render in namespace none"), e.getMessage());
    }
}
