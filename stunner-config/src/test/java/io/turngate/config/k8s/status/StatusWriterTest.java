package io.turngate.config.k8s.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turngate.config.render.RenderStatus;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.turngate.config.k8s.status.MockCluster.GATEWAY;
import static io.turngate.config.k8s.status.MockCluster.GATEWAY_CLASS;
import static io.turngate.config.k8s.status.MockCluster.UDP_ROUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StatusWriter} against {@code kubernetes-server-mock} in CRUD mode. */
class StatusWriterTest {
    static final String CLASS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: stunner-gatewayclass}
            spec:
              controllerName: stunner.l7mp.io/gateway-operator
              parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: stunner-gatewayconfig, namespace: stunner}
            """;
    static final String CONFIG = """
            apiVersion: stunner.l7mp.io/v1
            kind: GatewayConfig
            metadata: {name: stunner-gatewayconfig, namespace: stunner}
            spec: {authType: static, userName: user-1, password: pass-1}
            """;
    static final String GATEWAY_UDP = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: udp-gateway, namespace: stunner}
            spec:
              gatewayClassName: stunner-gatewayclass
              addresses: [{value: 203.0.113.7}]
              listeners:
              - {name: udp-listener, port: 3478, protocol: TURN-UDP}
            """;
    static final String GATEWAY_BAD = GATEWAY_UDP.replace("protocol: TURN-UDP", "protocol: SCTP");
    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: udp-gateway, namespace: stunner}
            spec:
              type: LoadBalancer
              clusterIP: 10.96.0.10
              ports: [{name: udp-listener, protocol: UDP, port: 3478}]
            """;
    static final String ROUTE = """
            apiVersion: stunner.l7mp.io/v1
            kind: UDPRoute
            metadata: {name: worker, namespace: stunner}
            spec:
              parentRefs: [{name: udp-gateway}]
              rules:
              - backendRefs: [{kind: StaticService, group: stunner.l7mp.io, name: workers}]
            """;
    static final String STATIC = """
            apiVersion: stunner.l7mp.io/v1
            kind: StaticService
            metadata: {name: workers, namespace: stunner}
            spec: {prefixes: [10.1.0.0/16]}
            """;

    static String yaml(String... docs) {
        return String.join("---\n", docs);
    }

    static final String WORLD = yaml(CLASS, CONFIG, GATEWAY_UDP, SERVICE, ROUTE, STATIC);

    MockCluster cluster;
    final List<StatusEvent> events = new ArrayList<>();
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    StatusWriter writer() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new StatusWriter(cluster.client, events::add, clock);
    }

    @BeforeEach
    void start() {
        cluster = new MockCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static JsonNode condition(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + conditions);
    }

    @Test
    @DisplayName("create: every status written as computed, observedGeneration from the live object")
    void create() throws ConfigException {
        cluster.apply(WORLD);
        StatusWriter.Report r = writer().write(MockCluster.render(WORLD));
        assertEquals(new StatusWriter.Report(3, 0, 0, 0, 0), r, events.toString());

        JsonNode gc = cluster.status(GATEWAY_CLASS, null, "stunner-gatewayclass");
        JsonNode accepted = condition(gc.path("conditions"), "Accepted");
        assertEquals("True", accepted.path("status").asText());
        assertEquals("Accepted", accepted.path("reason").asText());
        assertEquals("2026-12-01T10:00:00Z", accepted.path("lastTransitionTime").asText());

        GenericKubernetesResource gwObj = cluster.get(GATEWAY, "stunner", "udp-gateway");
        long gen = gwObj.getMetadata().getGeneration();
        JsonNode gw = cluster.status(GATEWAY, "stunner", "udp-gateway");
        assertEquals("203.0.113.7", gw.path("addresses").path(0).path("value").asText());
        assertEquals("IPAddress", gw.path("addresses").path(0).path("type").asText());
        assertEquals("True", condition(gw.path("conditions"), "Programmed").path("status").asText());
        assertEquals(gen, condition(gw.path("conditions"), "Programmed").path("observedGeneration").asLong());
        JsonNode l = gw.path("listeners").path(0);
        assertEquals("udp-listener", l.path("name").asText());
        assertEquals(1, l.path("attachedRoutes").asInt());
        assertEquals(2, l.path("supportedKinds").size());
        assertEquals("NoConflicts", condition(l.path("conditions"), "Conflicted").path("reason").asText());

        JsonNode parents = cluster.status(UDP_ROUTE, "stunner", "worker").path("parents");
        assertEquals(1, parents.size());
        JsonNode p = parents.path(0);
        assertEquals("stunner.l7mp.io/gateway-operator", p.path("controllerName").asText());
        assertEquals("gateway.networking.k8s.io", p.path("parentRef").path("group").asText());
        assertEquals("Gateway", p.path("parentRef").path("kind").asText());
        assertEquals("udp-gateway", p.path("parentRef").path("name").asText());
        assertTrue(p.path("parentRef").path("namespace").isMissingNode());
        assertEquals("Accepted", condition(p.path("conditions"), "Accepted").path("reason").asText());
        assertEquals("ResolvedRefs", condition(p.path("conditions"), "ResolvedRefs").path("reason").asText());
        assertEquals(3, events.stream().filter(e -> e.type() == StatusEvent.Type.WRITTEN).count());
        assertEquals("gateways/status.gateway.networking.k8s.io", events.stream()
                .filter(e -> "stunner/udp-gateway".equals(e.object())).findFirst().orElseThrow().resource());
    }

    @Test
    @DisplayName("nothing changed: no write, resourceVersions stay")
    void unchanged() throws ConfigException {
        cluster.apply(WORLD);
        RenderStatus s = MockCluster.render(WORLD);
        writer().write(s);
        String rv = cluster.get(GATEWAY, "stunner", "udp-gateway").getMetadata().getResourceVersion();
        String routeRv = cluster.get(UDP_ROUTE, "stunner", "worker").getMetadata().getResourceVersion();
        now = now.plusSeconds(60);
        int before = cluster.server.getRequestCount();
        StatusWriter.Report r = writer().write(MockCluster.render(WORLD));
        assertEquals(new StatusWriter.Report(0, 3, 0, 0, 0), r);
        assertEquals(3, cluster.server.getRequestCount() - before, "one GET per object, no write");
        assertEquals(rv, cluster.get(GATEWAY, "stunner", "udp-gateway").getMetadata().getResourceVersion());
        assertEquals(routeRv, cluster.get(UDP_ROUTE, "stunner", "worker").getMetadata().getResourceVersion());
    }

    @Test
    @DisplayName("update: new observedGeneration, lastTransitionTime kept where the status did not change")
    void update() throws ConfigException {
        cluster.apply(WORLD);
        writer().write(MockCluster.render(WORLD));
        long gen1 = cluster.get(GATEWAY, "stunner", "udp-gateway").getMetadata().getGeneration();

        // the rendered generation wins over the live one (the mock does not bump it on a spec change)
        long gen2 = gen1 + 1;
        String changed = yaml(CLASS, CONFIG, GATEWAY_BAD.replace("namespace: stunner}\nspec:\n  gatewayClassName",
                "namespace: stunner, generation: " + gen2 + "}\nspec:\n  gatewayClassName"), SERVICE, ROUTE, STATIC);
        assertNotEquals(yaml(CLASS, CONFIG, GATEWAY_BAD, SERVICE, ROUTE, STATIC), changed);
        cluster.apply(changed);
        now = Instant.parse("2026-12-01T11:00:00Z");
        StatusWriter.Report r = writer().write(MockCluster.render(changed));
        assertEquals(1, r.written(), "only the Gateway changed: " + events);

        JsonNode gw = cluster.status(GATEWAY, "stunner", "udp-gateway");
        JsonNode accepted = condition(gw.path("conditions"), "Accepted");
        assertEquals("2026-12-01T10:00:00Z", accepted.path("lastTransitionTime").asText(), "still True: time kept");
        assertEquals(gen2, accepted.path("observedGeneration").asLong());
        JsonNode programmed = condition(gw.path("conditions"), "Programmed");
        assertEquals("False", programmed.path("status").asText());
        assertEquals("AddressNotAssigned", programmed.path("reason").asText());
        assertEquals("2026-12-01T11:00:00Z", programmed.path("lastTransitionTime").asText());
        JsonNode l = gw.path("listeners").path(0);
        assertEquals("UnsupportedProtocol", condition(l.path("conditions"), "Accepted").path("reason").asText());
        assertEquals("2026-12-01T11:00:00Z", condition(l.path("conditions"), "Accepted").path("lastTransitionTime")
                .asText());
        assertEquals("2026-12-01T10:00:00Z", condition(l.path("conditions"), "Conflicted").path("lastTransitionTime")
                .asText(), "listener conditions keep their time too");
        assertEquals(0, l.path("attachedRoutes").asInt());
    }

    @Test
    @DisplayName("delete: the route's parent becomes NoMatchingParent; a status for a deleted object is skipped")
    void delete() throws ConfigException {
        String twoGateways = yaml(CLASS, CONFIG, GATEWAY_UDP, GATEWAY_UDP.replace("udp-gateway", "other-gateway"),
                SERVICE, ROUTE.replace("[{name: udp-gateway}]", "[{name: udp-gateway}, {name: other-gateway}]"), STATIC);
        cluster.apply(twoGateways);
        RenderStatus before = MockCluster.render(twoGateways);
        writer().write(before);
        assertEquals(2, cluster.status(UDP_ROUTE, "stunner", "worker").path("parents").size());

        cluster.delete(GATEWAY, "stunner", "other-gateway");
        String after = yaml(CLASS, CONFIG, GATEWAY_UDP, SERVICE,
                ROUTE.replace("[{name: udp-gateway}]", "[{name: udp-gateway}, {name: other-gateway}]"), STATIC);
        StatusWriter.Report r = writer().write(MockCluster.render(after));
        assertEquals(1, r.written(), events.toString());
        JsonNode parents = cluster.status(UDP_ROUTE, "stunner", "worker").path("parents");
        assertEquals("Accepted", condition(parents.path(0).path("conditions"), "Accepted").path("reason").asText());
        JsonNode gone = condition(parents.path(1).path("conditions"), "Accepted");
        assertEquals("NoMatchingParent", gone.path("reason").asText());
        assertEquals("parent stunner/other-gateway does not exist", gone.path("message").asText());

        events.clear();
        StatusWriter.Report stale = writer().write(before);
        assertEquals(1, stale.skipped(), "the status of the deleted Gateway: " + events);
        assertTrue(events.stream().anyMatch(e -> e.type() == StatusEvent.Type.SKIPPED
                && "stunner/other-gateway".equals(e.object())));
    }

    @Test
    @DisplayName("a re-created object (another uid than rendered) is skipped")
    void recreated() throws ConfigException {
        cluster.apply(WORLD);
        String withUid = WORLD.replace("metadata: {name: udp-gateway, namespace: stunner}\nspec:\n  gatewayClassName",
                "metadata: {name: udp-gateway, namespace: stunner, uid: 00000000-dead-beef-0000-000000000000}\nspec:\n"
                        + "  gatewayClassName");
        assertNotEquals(WORLD, withUid);
        StatusWriter.Report r = writer().write(MockCluster.render(withUid));
        assertEquals(1, r.skipped());
        assertTrue(cluster.status(GATEWAY, "stunner", "udp-gateway").path("conditions").isMissingNode());
    }

    @Test
    @DisplayName("route parents of other controllers are kept")
    void foreignParentsKept() throws ConfigException {
        cluster.apply(WORLD);
        GenericKubernetesResource route = cluster.get(UDP_ROUTE, "stunner", "worker");
        route.getAdditionalProperties().put("status", Map.of("parents", List.of(Map.of(
                "parentRef", Map.of("name", "istio-gateway"), "controllerName", "istio.io/gateway-controller",
                "conditions", List.of()))));
        cluster.client.genericKubernetesResources(UDP_ROUTE).inNamespace("stunner").resource(route).updateStatus();
        writer().write(MockCluster.render(WORLD));
        JsonNode parents = cluster.status(UDP_ROUTE, "stunner", "worker").path("parents");
        assertEquals(2, parents.size(), parents.toString());
        assertEquals("stunner.l7mp.io/gateway-operator", parents.path(0).path("controllerName").asText());
        assertEquals("istio.io/gateway-controller", parents.path(1).path("controllerName").asText());
        assertEquals(0, writer().write(MockCluster.render(WORLD)).written(), "and then stable");
    }

    @Test
    @DisplayName("RBAC: a 403 on the status update is reported with verb and resource")
    void forbidden() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try (var client = server.createClient()) {
            GenericKubernetesResource gc = new GenericKubernetesResource();
            gc.setApiVersion("gateway.networking.k8s.io/v1");
            gc.setKind("GatewayClass");
            gc.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("stunner-gatewayclass")
                    .withResourceVersion("1").withGeneration(1L).build());
            server.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/gatewayclasses/stunner-gatewayclass")
                    .andReturn(200, gc).always();
            server.expect().put().withPath("/apis/gateway.networking.k8s.io/v1/gatewayclasses/stunner-gatewayclass/status")
                    .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
                            "gatewayclasses.gateway.networking.k8s.io \"stunner-gatewayclass\" is forbidden: User"
                                    + " \"system:serviceaccount:stunner:turngate\" cannot update resource"
                                    + " \"gatewayclasses/status\"").build()).always();
            RenderStatus s = MockCluster.render(yaml(CLASS, CONFIG));
            StatusWriter.Report r = new StatusWriter(client, events::add).write(s);
            assertEquals(1, r.forbidden(), events.toString());
            StatusEvent e = events.stream().filter(StatusEvent::isProblem).findFirst().orElseThrow();
            assertEquals(StatusEvent.Type.FORBIDDEN, e.type());
            assertEquals("update", e.verb());
            assertEquals("gatewayclasses/status.gateway.networking.k8s.io", e.resource());
            assertEquals("stunner-gatewayclass", e.object());
            assertTrue(e.message().contains("cannot update"), e.message());
        } finally {
            server.destroy();
        }
    }

    @Test
    @DisplayName("sameJson: numbers by value, absent = empty array")
    void sameJson() throws Exception {
        var m = new com.fasterxml.jackson.databind.ObjectMapper();
        assertTrue(StatusWriter.sameJson(m.readTree("{\"a\":1,\"b\":[]}"), m.readTree("{\"a\":1.0}")));
        assertTrue(!StatusWriter.sameJson(m.readTree("{\"a\":1}"), m.readTree("{\"a\":2}")));
        assertTrue(!StatusWriter.sameJson(m.readTree("[1,2]"), m.readTree("[2,1]")));
    }
}
