package io.turngate.config.render;

import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.turngate.config.render.OperatorParity.EDS4;
import static io.turngate.config.render.OperatorParity.assertCluster;
import static io.turngate.config.render.OperatorParity.assertNoListener;
import static io.turngate.config.render.OperatorParity.assertRoutes;
import static io.turngate.config.render.OperatorParity.cluster;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.listener;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.ROUTE_V1A2;
import static io.turngate.config.render.OperatorWorld.SLICE;
import static io.turngate.config.render.OperatorWorld.STATIC_SERVICE;
import static io.turngate.config.render.OperatorWorld.TCP;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.namespace;
import static io.turngate.config.render.OperatorWorld.route;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the operator's {@code internal/renderer/udproute_util_test.go} (see {@link OperatorParity}).
 */
@DisplayName("udproute_util_test.go")
class UdpRouteUtilParityTest {
    static final String BACKEND = "[{name: testservice-ok}]";

    StunnerConfig render(String... docs) throws ConfigException {
        List<String> all = new ArrayList<>(List.of(svc().yaml(), SLICE));
        all.addAll(List.of(docs));
        return config(world(all.toArray(new String[0])));
    }

    @Test
    @DisplayName("get routes")
    void getRoutes() throws ConfigException {
        StunnerConfig c = render(GATEWAY, ROUTE);
        assertRoutes(listener(c, UDP), NS + "/udproute-ok");
        assertRoutes(listener(c, TCP));
    }

    @Test
    @DisplayName("get multiple routes")
    void getMultipleRoutes() throws ConfigException {
        StunnerConfig c = render(GATEWAY, ROUTE,
                route("udproute-namespace-correct-name", NS,
                        "[{namespace: dummy-ns, name: gateway-1, sectionName: gateway-1-listener-udp}]", BACKEND),
                route("udproute-empty-namespace-correct-name", NS,
                        "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", BACKEND),
                route("udproute-wrong-group-correct-name", NS,
                        "[{kind: dummy-kind, name: gateway-1, sectionName: gateway-1-listener-udp}]", BACKEND),
                route("udproute-wrong-kind-correct-name", NS,
                        "[{group: dummy-kind, name: gateway-1, sectionName: gateway-1-listener-udp}]", BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-ok", NS + "/udproute-empty-namespace-correct-name");
    }

    @Test
    @DisplayName("get multi-version routes - no-masking")
    void multiVersionNoMasking() throws ConfigException {
        StunnerConfig c = render(GATEWAY, ROUTE, route("gateway.networking.k8s.io/v1alpha2", "udproute-ok-v1a2", NS,
                "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", "[{name: testservice-ok, port: 1}]"));
        assertRoutes(listener(c, UDP), NS + "/udproute-ok", NS + "/udproute-ok-v1a2");
    }

    @Test
    @DisplayName("get multi-version routes - masking")
    void multiVersionMasking() throws ConfigException {
        StunnerConfig c = render(GATEWAY, ROUTE, ROUTE_V1A2);
        assertRoutes(listener(c, UDP), NS + "/udproute-ok");
    }

    @Test
    @DisplayName("get multiple routes with route attachment policy All")
    void policyAll() throws ConfigException {
        StunnerConfig c = render(gateway("""
                        - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP, allowedRoutes: {namespaces: {from: All}}}
                        - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                        """),
                route("udproute-testnamespace", NS, "[{name: gateway-1}]", BACKEND),
                route("udproute-dummy-namespace", "dummy-namespace", "[{name: gateway-1, namespace: testnamespace}]",
                        BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-testnamespace", "dummy-namespace/udproute-dummy-namespace");
        assertRoutes(listener(c, TCP), NS + "/udproute-testnamespace");
    }

    static final String NAMESPACES = namespace("testnamespace", "{testlabel: testvalue}") + "---\n"
            + namespace("dummy-namespace", "{dummy-label: dummy-value}");

    @Test
    @DisplayName("get multiple routes with route attachment policy Selector")
    void policySelector() throws ConfigException {
        StunnerConfig c = render(NAMESPACES, gateway("""
                        - name: gateway-1-listener-udp
                          port: 1
                          protocol: TURN-UDP
                          allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {testlabel: testvalue}}}}
                        - {name: invalid, port: 3, protocol: dummy}
                        - name: gateway-1-listener-tcp
                          port: 2
                          protocol: TURN-TCP
                          allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {dummy-label: dummy-value}}}}
                        """),
                route("udproute-testnamespace", NS, "[{name: gateway-1}]", BACKEND),
                route("udproute-dummy-namespace", "dummy-namespace", "[{name: gateway-1, namespace: testnamespace}]",
                        BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-testnamespace");
        assertNoListener(c, "invalid");
        assertRoutes(listener(c, TCP), "dummy-namespace/udproute-dummy-namespace");
    }

    @Test
    @DisplayName("get route with listener ref")
    void routeWithListenerRef() throws ConfigException {
        StunnerConfig c = render(GATEWAY, route("udproute-correct-listener-name", NS,
                "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-correct-listener-name");
    }

    @Test
    @DisplayName("get route with wrong listener errs")
    void routeWithWrongListener() throws ConfigException {
        StunnerConfig c = render(GATEWAY, route("udproute-correct-listener-name", NS,
                "[{name: gateway-1, sectionName: dummy}]", BACKEND));
        assertRoutes(listener(c, UDP));
        assertTrue(c.cluster(NS + "/udproute-correct-listener-name").isEmpty());
    }

    @Test
    @DisplayName("get route with multiple listener refs")
    void routeWithMultipleListenerRefs() throws ConfigException {
        StunnerConfig c = render(GATEWAY, route("udproute-correct-listener-name", NS,
                "[{name: gateway-1, sectionName: gateway-1-listener-udp}, {name: gateway-1, sectionName:"
                        + " gateway-1-listener-tcp}, {name: gateway-1, sectionName: dummy}]", BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-correct-listener-name");
        assertRoutes(listener(c, TCP), NS + "/udproute-correct-listener-name");
    }

    @Test
    @DisplayName("get multiple routes with listeners")
    void multipleRoutesWithListeners() throws ConfigException {
        StunnerConfig c = render(GATEWAY, ROUTE,
                route("udproute-namespace-correct-name-1", NS, "[{name: gateway-1, sectionName: gateway-1-listener-udp}]",
                        BACKEND),
                route("udproute-namespace-correct-name-2", NS, "[{name: gateway-1, sectionName: gateway-1-listener-tcp}]",
                        BACKEND));
        assertRoutes(listener(c, UDP), NS + "/udproute-ok", NS + "/udproute-namespace-correct-name-1");
        assertRoutes(listener(c, TCP), NS + "/udproute-namespace-correct-name-2");
    }

    @Test
    @DisplayName("get multiple routes with listeners and route attachment policy All")
    void multipleRoutesWithListenersPolicyAll() throws ConfigException {
        StunnerConfig c = render(gateway("""
                        - {name: gateway-1-listener-udp, port: 1, protocol: UDP, allowedRoutes: {namespaces: {from: All}}}
                        - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                        """),
                route("udproute-dummy-namespace-listener-udp", "dummy-namespace",
                        "[{name: gateway-1, namespace: testnamespace, sectionName: gateway-1-listener-udp}]", BACKEND),
                route("udproute-dummy-namespace-listener-tcp", "dummy-namespace",
                        "[{name: gateway-1, namespace: testnamespace, sectionName: gateway-1-listener-tcp}]", BACKEND));
        assertRoutes(listener(c, UDP), "dummy-namespace/udproute-dummy-namespace-listener-udp");
        assertRoutes(listener(c, TCP));
    }

    @Test
    @DisplayName("get multiple routes with listeners and route attachment policy Selector")
    void multipleRoutesWithListenersPolicySelector() throws ConfigException {
        String refs = "[{name: gateway-1, namespace: testnamespace, sectionName: gateway-1-listener-udp},"
                + " {name: gateway-1, namespace: testnamespace, sectionName: gateway-1-listener-tcp}]";
        StunnerConfig c = render(NAMESPACES, gateway("""
                        - name: gateway-1-listener-udp
                          port: 1
                          protocol: UDP
                          allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {dummy-label: dummy-value}}}}
                        - {name: invalid, port: 3, protocol: dummy}
                        - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                        """),
                route("udproute-testnamespace", NS, refs, BACKEND),
                route("udproute-dummy-namespace-listener-udp", "dummy-namespace", refs, BACKEND));
        assertRoutes(listener(c, UDP), "dummy-namespace/udproute-dummy-namespace-listener-udp");
        assertRoutes(listener(c, TCP), NS + "/udproute-testnamespace");
    }

    @Test
    @DisplayName("missing parent in route - errs")
    void missingParentInRoute() throws ConfigException {
        RenderedGateway rg = OperatorParity.render(RenderOptions.DEFAULT, world(svc().yaml(), SLICE, GATEWAY,
                route("udproute-no-parent", NS, "[{name: gateway-1, sectionName: gateway-1-listener-udp},"
                        + " {name: gateway-1, sectionName: dummy}, {name: dummy}]", BACKEND)));
        assertRoutes(listener(rg.config(), UDP), NS + "/udproute-no-parent");
        assertRoutes(listener(rg.config(), TCP));
        assertCluster(rg.config(), "udproute-no-parent", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("invalid routes - status")
    void invalidRoutes() throws ConfigException {
        StunnerConfig c = render(GATEWAY, route("udproute-wrong-listener-name", NS,
                "[{name: gateway-1, sectionName: dummy}]", BACKEND));
        assertRoutes(listener(c, UDP));
        assertTrue(c.cluster(NS + "/udproute-wrong-listener-name").isEmpty());
    }

    @Test
    @DisplayName("valid cross-namespace route - status")
    void validCrossNamespaceRoute() throws ConfigException {
        StunnerConfig c = render(gateway("""
                        - {name: gateway-1-listener-udp, port: 1, protocol: UDP, allowedRoutes: {namespaces: {from: All}}}
                        - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                        """),
                route("udproute-cross-namespace", "dummy-namespace", "[{name: gateway-1, namespace: testnamespace}]",
                        BACKEND));
        assertRoutes(listener(c, UDP), "dummy-namespace/udproute-cross-namespace");
        assertRoutes(listener(c, TCP));
        assertTrue(c.cluster("dummy-namespace/udproute-cross-namespace").isPresent());
    }

    @Test
    @DisplayName("invalid cross-namespace route - status")
    void invalidCrossNamespaceRoute() throws ConfigException {
        StunnerConfig c = render(GATEWAY, route("udproute-cross-namespace", "dummy-namespace",
                "[{name: gateway-1, namespace: testnamespace}]", BACKEND));
        assertRoutes(listener(c, UDP));
        assertRoutes(listener(c, TCP));
        assertTrue(c.cluster("dummy-namespace/udproute-cross-namespace").isEmpty());
    }

    @Test
    @DisplayName("missing Service backend - status")
    void missingServiceBackend() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, svc().yaml(), route("udproute-missing-service-backend",
                "[{name: dummy-svc}]")));
        assertCluster(c, "udproute-missing-service-backend", ClusterType.STATIC);
    }

    /**
     * Upstream checks the status only. The operator's code also drops the second, existing StaticService (its
     * error from the first backend sticks); turngate keeps it and says so in a warning.
     */
    @Test
    @DisplayName("missing StaticService backend - status")
    void missingStaticServiceBackend() throws ConfigException {
        RenderedGateway rg = OperatorParity.render(RenderOptions.DEFAULT, world(GATEWAY, svc().yaml(),
                STATIC_SERVICE, route("udproute-missing-service-backend", "[{group: stunner.l7mp.io, kind:"
                        + " StaticService, name: teststaticservice-dummy}, " + ClusterRenderParityTest.SSVC_REF + "]")));
        assertCluster(rg.config(), "udproute-missing-service-backend", ClusterType.STATIC, "10.11.12.13",
                "10.11.12.14", "10.11.12.15");
        assertTrue(rg.warnings().stream().anyMatch(w -> w.contains("teststaticservice-dummy")
                && w.contains("not found")), rg.warnings().toString());
    }
}
