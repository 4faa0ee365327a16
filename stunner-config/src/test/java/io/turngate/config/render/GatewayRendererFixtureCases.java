package io.turngate.config.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GatewayRenderer} on STUNner's example manifests under {@link #stunnerFixtures()}, against the golden stunnerd
 * configs in {@code src/test/resources/golden}: the project's own copies ({@link GatewayRendererTest}) or the upstream
 * files in {@code ../shared} ({@link GatewayRendererUpstreamTest}). Also the helpers both share.
 */
abstract class GatewayRendererFixtureCases {
    static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.244.0.5");
    final GatewayRenderer renderer = new GatewayRenderer(ENV);

    /** A tree laid out like {@code fixtures/stunner}: {@code cloudretro/}, {@code manifests/}. */
    abstract Path stunnerFixtures();

    static Path resource(String name) {
        try {
            return Path.of(GatewayRendererFixtureCases.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ClusterConfig cluster(StunnerConfig c, String name) {
        return c.cluster(name).orElseThrow(() -> new AssertionError("no cluster " + name + " in " + c.clusters()));
    }

    static ListenerConfig listener(StunnerConfig c, String name) {
        return c.listener(name).orElseThrow(() -> new AssertionError("no listener " + name + " in " + c.listeners()));
    }

    static void assertWarning(RenderedGateway rg, String expected) {
        assertTrue(rg.warnings().contains(expected), "missing warning:\n  " + expected + "\nhave:\n  "
                + String.join("\n  ", rg.warnings()));
    }

    // ---- golden: CloudRetro -----------------------------------------------------------------------------

    @Test
    void cloudRetroRendersTheGoldenConfig() throws Exception {
        GatewayResources res = GatewayResources.load(stunnerFixtures().resolve("cloudretro"));
        List<RenderedGateway> all = renderer.renderAll(res);
        assertEquals(1, all.size());
        RenderedGateway rg = all.get(0);
        assertEquals("stunner/udp-gateway", rg.gatewayKey());
        assertMatchesGolden("cloudretro.json", rg.config());
        assertEquals(rg.config(), renderer.render(res, "stunner", "udp-gateway"));
        assertEquals(2, rg.warnings().size(), rg.warnings().toString());
        assertWarning(rg, "udproute stunner/worker-udp-route: spec.rules[0].backendRefs[0] Service"
                + " cloudretro/worker-ci-udp-svc: no EndpointSlice for the Service in the input; rendered as STRICT_DNS"
                + " worker-ci-udp-svc.cloudretro.svc.cluster.local (resolved at runtime: for a ClusterIP Service this"
                + " admits only the ClusterIP; include `kubectl get endpointslices -n cloudretro -l"
                + " kubernetes.io/service-name=worker-ci-udp-svc -o yaml` to admit the pod IPs)");
        assertWarning(rg, "gateway stunner/udp-gateway: no public address known offline (expected: spec.addresses[0],"
                + " or the Gateway's LoadBalancer Service stunner/udp-gateway with status.loadBalancer.ingress, or its"
                + " NodePorts and a Node with an external address); public_address/public_port omitted");
        for (String w : rg.warnings()) {
            assertFalse(w.contains("pass-1"), "no secrets in warnings");
        }
    }

    @Test
    void cloudRetroWithEndpointSliceRendersPodIpsAndClusterIpSorted() throws Exception {
        GatewayResources res = GatewayResources.load(stunnerFixtures().resolve("cloudretro"),
                resource("cloudretro-endpoints.yaml"));
        RenderedGateway rg = renderer.renderAll(res).get(0);
        assertMatchesGolden("cloudretro-eds.json", rg.config());
        assertEquals(1, rg.warnings().size(), "only the public address warning: " + rg.warnings());
        assertEquals(1, res.warnings().size(), res.warnings().toString());
        assertTrue(res.warnings().get(0).contains("service cloudretro/worker-ci-udp-svc replaces the one from"),
                res.warnings().get(0));
    }

    @Test
    void renderJsonIsTheOperatorFormWithUnexpandedAddress() throws Exception {
        GatewayResources res = GatewayResources.load(stunnerFixtures().resolve("cloudretro"));
        JsonNode json = new ObjectMapper().readTree(renderer.renderJson(res, "stunner", "udp-gateway"));
        assertEquals("$STUNNER_ADDR", json.at("/listeners/0/address").asText());
        assertEquals("stunner/udp-gateway", json.at("/admin/name").asText());
        assertEquals("static", json.at("/auth/type").asText());
    }

    // ---- other STUNner manifests --------------------------------------------------------------------------

    @Test
    void staticServiceManifestRendersTwoGatewaysWithAnOpenRoute() throws Exception {
        GatewayResources res = GatewayResources.load(stunnerFixtures().resolve("manifests/stunner-static-svc.yaml"));
        List<RenderedGateway> all = renderer.renderAll(res);
        assertEquals(List.of("stunner/tcp-gateway", "stunner/udp-gateway"), all.stream().map(RenderedGateway::gatewayKey).toList());
        assertEquals(List.of("stunner/tcp-gateway", "stunner/udp-gateway"), renderer.renderableGateways(res));
        StunnerConfig udp = all.get(1).config();
        assertEquals("all:TRACE", udp.admin().logLevel());
        assertEquals(AuthType.STATIC, udp.auth().type(), "plaintext is rendered as static");
        ListenerConfig l = listener(udp, "stunner/udp-gateway/udp-listener");
        assertEquals(ListenerProtocol.TURN_UDP, l.protocol());
        assertEquals(3478, l.port());
        assertEquals(List.of("stunner/open-route"), l.routes());
        ClusterConfig open = cluster(udp, "stunner/open-route");
        assertEquals(ClusterType.STATIC, open.type());
        assertEquals(List.of("0.0.0.0/0"), open.endpoints());
        StunnerConfig tcp = all.get(0).config();
        assertEquals(3479, listener(tcp, "stunner/tcp-gateway/tcp-listener").port());
        assertEquals(ListenerProtocol.TURN_TCP, listener(tcp, "stunner/tcp-gateway/tcp-listener").protocol());
        assertEquals(List.of("0.0.0.0/0"), cluster(tcp, "stunner/open-route").endpoints());
        assertWarning(all.get(1), "gateway stunner/udp-gateway: annotation stunner.l7mp.io/enable-relay-address-discovery"
                + " is a STUNner premium feature; ignored (relay address stays $STUNNER_ADDR)");
    }

    @Test
    void iperfManifestSkipsTheBackendWhoseServiceIsNotInTheInput() throws Exception {
        GatewayResources res = GatewayResources.load(stunnerFixtures().resolve("manifests/iperf-stunner.yaml"));
        List<RenderedGateway> all = renderer.renderAll(res);
        assertEquals(2, all.size());
        for (RenderedGateway rg : all) {
            ClusterConfig c = cluster(rg.config(), "stunner/iperf-server");
            assertEquals(ClusterType.STATIC, c.type());
            assertEquals(List.of(), c.endpoints(), "the operator skips a Service backend it cannot find");
            assertEquals(List.of("stunner/iperf-server"), rg.config().listeners().get(0).routes());
            assertWarning(rg, "udproute stunner/iperf-server: spec.rules[0].backendRefs[0] Service default/iperf-server:"
                    + " neither the Service nor an EndpointSlice for it is in the input; backend skipped, as the"
                    + " operator does (BackendNotFound)");
        }
        assertEquals(3478, all.get(0).config().listeners().get(0).port());
        assertEquals(ListenerProtocol.TURN_TCP, all.get(0).config().listeners().get(0).protocol());
    }

    /** Compares {@code actual} field by field with a golden stunnerd JSON; absent golden fields must be unset. */
    static void assertMatchesGolden(String goldenName, StunnerConfig actual) throws IOException {
        JsonNode g;
        try (InputStream in = GatewayRendererFixtureCases.class.getResourceAsStream("/golden/" + goldenName)) {
            assertNotNull(in, goldenName);
            g = new ObjectMapper().readTree(in);
        }
        assertEquals(g.get("version").asText(), actual.version(), "version");
        JsonNode a = g.get("admin");
        assertEquals(a.get("name").asText(), actual.admin().name(), "admin.name");
        assertEquals(a.get("loglevel").asText(), actual.admin().logLevel(), "admin.loglevel");
        assertEquals(text(a, "healthcheck_endpoint"), empty(actual.admin().healthCheckEndpoint()), "admin.healthcheck_endpoint");
        assertEquals(text(a, "metrics_endpoint"), empty(actual.admin().metricsEndpoint()), "admin.metrics_endpoint");
        assertEquals(a.path("user_quota").asInt(0), actual.admin().userQuota(), "admin.user_quota");
        assertEquals(text(a, "offload_engine"), empty(actual.admin().offloadEngine()), "admin.offload_engine");
        JsonNode au = g.get("auth");
        assertEquals(au.get("type").asText(), actual.auth().type().wireName(), "auth.type");
        assertEquals(au.get("realm").asText(), actual.auth().realm(), "auth.realm");
        Map<String, String> creds = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : au.get("credentials").properties()) {
            creds.put(e.getKey(), e.getValue().asText());
        }
        assertEquals(creds, new TreeMap<>(actual.auth().credentials()), "auth.credentials");
        JsonNode ls = g.get("listeners");
        assertEquals(ls.size(), actual.listeners().size(), "listeners");
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            ListenerConfig x = actual.listeners().get(i);
            String p = "listeners[" + i + "].";
            assertEquals(l.get("name").asText(), x.name(), p + "name");
            assertEquals(l.get("protocol").asText(), x.protocol().wireName(), p + "protocol");
            assertEquals(text(l, "public_address"), empty(x.publicAddress()), p + "public_address");
            assertEquals(l.path("public_port").asInt(0), x.publicPort(), p + "public_port");
            assertEquals(l.get("address").asText(), x.address(), p + "address");
            assertEquals(l.get("port").asInt(), x.port(), p + "port");
            assertEquals(text(l, "cert"), empty(x.cert()), p + "cert");
            assertEquals(text(l, "key"), empty(x.key()), p + "key");
            assertEquals(strings(l.get("routes")), x.routes(), p + "routes");
        }
        JsonNode cs = g.get("clusters");
        assertEquals(cs.size(), actual.clusters().size(), "clusters");
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            ClusterConfig x = actual.clusters().get(i);
            String p = "clusters[" + i + "].";
            assertEquals(c.get("name").asText(), x.name(), p + "name");
            assertEquals(c.get("type").asText(), x.type().name(), p + "type");
            assertEquals(c.get("protocol").asText(), x.protocol().name(), p + "protocol");
            assertEquals(strings(c.get("endpoints")), x.endpoints(), p + "endpoints");
        }
    }

    private static String text(JsonNode o, String field) {
        return o.has(field) ? o.get(field).asText() : "";
    }

    private static String empty(String s) {
        return s == null ? "" : s;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
