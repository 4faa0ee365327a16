package io.turngate.config.render;

import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.turngate.config.render.OperatorParity.EDS4;
import static io.turngate.config.render.OperatorParity.EDS_OFF;
import static io.turngate.config.render.OperatorParity.ENV;
import static io.turngate.config.render.OperatorParity.RELAY_OFF;
import static io.turngate.config.render.OperatorParity.assertCluster;
import static io.turngate.config.render.OperatorParity.cluster;
import static io.turngate.config.render.OperatorParity.config;
import static io.turngate.config.render.OperatorParity.plus;
import static io.turngate.config.render.OperatorParity.render;
import static io.turngate.config.render.OperatorParity.withRange;
import static io.turngate.config.render.OperatorWorld.ENDPOINTS;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.LISTENERS;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.ROUTE_V1A2;
import static io.turngate.config.render.OperatorWorld.SLICE;
import static io.turngate.config.render.OperatorWorld.SLICE_ENDPOINTS;
import static io.turngate.config.render.OperatorWorld.STATIC_SERVICE;
import static io.turngate.config.render.OperatorWorld.endpoints;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.namespace;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.route;
import static io.turngate.config.render.OperatorWorld.slice;
import static io.turngate.config.render.OperatorWorld.staticService;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the operator's {@code internal/renderer/cluster_render_test.go} (see {@link OperatorParity}).
 */
@DisplayName("cluster_render_test.go")
class ClusterRenderParityTest {
    @Test
    @DisplayName("backend found - legacy endpoints controller")
    void backendFoundLegacy() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().clusterIP("1.1.1.1").yaml(), ENDPOINTS));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    @Test
    @DisplayName("backend found")
    void backendFound() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().clusterIP("1.1.1.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    @Test
    @DisplayName("backend found for V1A2 route - legacy endpoints controller")
    void backendFoundV1a2Legacy() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE_V1A2, svc().clusterIP("1.1.1.1").yaml(), ENDPOINTS));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    @Test
    @DisplayName("backend found for V1A2 route")
    void backendFoundV1a2() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE_V1A2, svc().clusterIP("1.1.1.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    @Test
    @DisplayName("default with port range considered")
    void portRangeConsidered() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok",
                "[{name: testservice-ok, namespace: testnamespace, port: 100, endPort: 200}]"),
                svc().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, withRange(plus(EDS4, "4.3.2.1"), ":<100-200>"));
    }

    @Test
    @DisplayName("linking to a foreign gateway errs")
    void linkingToForeignGatewayErrs() throws ConfigException {
        String yaml = world(OperatorWorld.gateway(GW, "dummy", "{}", LISTENERS, ""), ROUTE, svc().yaml(), SLICE);
        assertEquals(List.of(), new GatewayRenderer(ENV).renderableGateways(parse(yaml)));
    }

    @Test
    @DisplayName("no EDS - cluster ok")
    void noEdsClusterOk() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, ROUTE, svc().yaml()));
        assertCluster(c, "udproute-ok", ClusterType.STRICT_DNS, "testservice-ok.testnamespace.svc.cluster.local");
    }

    @Test
    @DisplayName("no EDS - no backend errs")
    void noEdsNoBackend() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, route("udproute-wrong", "[]"), svc().yaml()));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("no EDS - wrong backend group ignored")
    void noEdsWrongGroup() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, route("udproute-wrong",
                "[{group: dummy, name: testservice-ok}]"), svc().yaml()));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("no EDS - wrong backend kind ignored")
    void noEdsWrongKind() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, route("udproute-wrong",
                "[{kind: dummy, name: testservice-ok}]"), svc().yaml()));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("no EDS - namespace ok")
    void noEdsNamespaceOk() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, route("udproute-ok",
                "[{name: testservice-ok, namespace: dummy}]"), svc().yaml()));
        assertCluster(c, "udproute-ok", ClusterType.STRICT_DNS, "testservice-ok.dummy.svc.cluster.local");
    }

    @Test
    @DisplayName("no EDS - multiple backends ok")
    void noEdsMultipleBackends() throws ConfigException {
        StunnerConfig c = config(EDS_OFF, world(GATEWAY, route("udproute-ok", "[{name: dummy, namespace: dummy-ns},"
                + " {name: testservice-ok-1, namespace: dummy-ns}, {name: testservice-ok-2}]"), svc().yaml()));
        assertCluster(c, "udproute-ok", ClusterType.STRICT_DNS, "dummy.dummy-ns.svc.cluster.local",
                "testservice-ok-1.dummy-ns.svc.cluster.local", "testservice-ok-2.testnamespace.svc.cluster.local");
    }

    @Test
    @DisplayName("eds - cluster with clusterIP relaying switched off")
    void edsRelayOff() throws ConfigException {
        StunnerConfig c = config(RELAY_OFF, world(GATEWAY, ROUTE, svc().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("eds - cluster with no ClusterIP ok")
    void edsNoClusterIp() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("eds - cluster with ClusterIP ok")
    void edsClusterIp() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("eds - cluster for UDPRouteV1A2 and ClusterIP ok")
    void edsV1a2ClusterIp() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE_V1A2, svc().clusterIP("4.3.2.1").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "4.3.2.1"));
    }

    @Test
    @DisplayName("eds - cluster with headless setvice OK")
    void edsHeadless() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, ROUTE, svc().clusterIP("None").yaml(), SLICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, EDS4);
    }

    @Test
    @DisplayName("eds - no backend errs")
    void edsNoBackend() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-wrong", "[]"), svc().yaml(), SLICE));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("eds - wrong backend group ignored")
    void edsWrongGroup() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-wrong", "[{group: dummy, name: testservice-ok}]"),
                svc().yaml(), SLICE));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("eds - wrong backend kind ignored")
    void edsWrongKind() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-wrong", "[{kind: dummy, name: testservice-ok}]"),
                svc().yaml(), SLICE));
        assertCluster(c, "udproute-wrong", ClusterType.STATIC);
    }

    @Test
    @DisplayName("eds - namespace ok")
    void edsNamespaceOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok", "[{name: testservice-ok, namespace: dummy}]"),
                svc().namespace("dummy").clusterIP("1.1.1.1").yaml(), slice("dummy", "testservice-ok")));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    static final String THREE_BACKENDS = "[{name: dummy, namespace: dummy-ns},"
            + " {name: testservice-ok-1, namespace: dummy-ns}, {name: testservice-ok-2}]";

    String[] threeBackendDocs() {
        return new String[] {GATEWAY,
                svc().name("dummy").namespace("dummy-ns").clusterIP("1.1.1.1").yaml(),
                svc().name("testservice-ok-1").namespace("dummy-ns").clusterIP("2.2.2.2").yaml(),
                svc().name("testservice-ok-2").clusterIP("3.3.3.3").yaml(),
                slice("testservice-ok-endpointslice-1", "dummy-ns", "testservice-ok-1", SLICE_ENDPOINTS),
                slice("testservice-ok-endpointslice-2", NS, "testservice-ok-2",
                        "- addresses: [1.2.3.8]\n  conditions: {ready: true, serving: true}\n")};
    }

    @Test
    @DisplayName("eds - multiple backends ok")
    void edsMultipleBackends() throws ConfigException {
        List<String> docs = new ArrayList<>(List.of(threeBackendDocs()));
        docs.add(route("udproute-ok", THREE_BACKENDS));
        StunnerConfig c = config(world(docs.toArray(new String[0])));
        assertCluster(c, "udproute-ok", ClusterType.STATIC,
                plus(EDS4, "1.2.3.8", "1.1.1.1", "2.2.2.2", "3.3.3.3"));
    }

    @Test
    @DisplayName("eds - multiple backends for UDPRoute V1A2 ok")
    void edsMultipleBackendsV1a2() throws ConfigException {
        List<String> docs = new ArrayList<>(List.of(threeBackendDocs()));
        docs.add(route("gateway.networking.k8s.io/v1alpha2", "udproute-ok", NS,
                "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", THREE_BACKENDS));
        StunnerConfig c = config(world(docs.toArray(new String[0])));
        assertCluster(c, "udproute-ok", ClusterType.STATIC,
                plus(EDS4, "1.2.3.8", "1.1.1.1", "2.2.2.2", "3.3.3.3"));
    }

    @Test
    @DisplayName("eds - multiple backends - missing backends skipped")
    void edsMissingBackendsSkipped() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok", "[{name: dummy},"
                        + " {name: testservice-ok-1, namespace: dummy-ns}, {name: testservice-ok-2, namespace: dummy-ns}]"),
                svc().name("testservice-ok-1").namespace("dummy-ns").yaml(),
                svc().name("testservice-ok-2").namespace("dummy-ns").clusterIP("1.1.1.1").yaml(),
                slice("testservice-ok-endpointslice", "dummy-ns", "testservice-ok-1", SLICE_ENDPOINTS)));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "1.1.1.1"));
    }

    static final String SSVC_REF = "{group: stunner.l7mp.io, kind: StaticService, name: teststaticservice-ok}";

    @Test
    @DisplayName("StaticService ok")
    void staticServiceOk() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok", "[" + SSVC_REF + "]"), STATIC_SERVICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, "10.11.12.13", "10.11.12.14", "10.11.12.15");
    }

    /** The operator renders no cluster at all; turngate an empty one (the dataplane admits nothing either way). */
    @Test
    @DisplayName("No StaticService backend errs")
    void noStaticServiceBackend() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok",
                "[{group: stunner.l7mp.io, kind: StaticService, name: teststaticservice-dummy}]")));
        assertTrue(c.cluster(NS + "/udproute-ok").map(cl -> cl.endpoints().isEmpty()).orElse(true));
    }

    @Test
    @DisplayName("Mixed cluster type errs")
    void mixedClusterTypeErrs() throws ConfigException {
        RenderedGateway rg = render(EDS_OFF, world(GATEWAY, route("udproute-ok",
                "[" + SSVC_REF + ", {name: testservice-ok}]"), svc().yaml(), SLICE, STATIC_SERVICE));
        assertCluster(rg.config(), "udproute-ok", ClusterType.STATIC, "10.11.12.13", "10.11.12.14", "10.11.12.15");
        assertTrue(rg.warnings().stream().anyMatch(w -> w.contains("inconsistent cluster type")), rg.warnings().toString());
    }

    static final String SSVC_PLUS_SVC = "[" + SSVC_REF + ", {group: stunner.l7mp.io, kind: StaticService,"
            + " name: teststaticservice2}, {name: testservice-ok}]";

    @Test
    @DisplayName("Service (w/ EDS) plus StaticService ok - legacy endpoints controller")
    void serviceAndStaticServiceLegacy() throws ConfigException {
        StunnerConfig c = config(RELAY_OFF, world(GATEWAY, route("udproute-ok", SSVC_PLUS_SVC), svc().yaml(), ENDPOINTS,
                STATIC_SERVICE, staticService("teststaticservice2", "[0.0.0.0/1, 128.0.0.0/1]")));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "10.11.12.13", "10.11.12.14",
                "10.11.12.15", "0.0.0.0/1", "128.0.0.0/1"));
    }

    @Test
    @DisplayName("Service (w/ EDS) plus StaticService ok")
    void serviceAndStaticService() throws ConfigException {
        StunnerConfig c = config(RELAY_OFF, world(GATEWAY, route("udproute-ok", SSVC_PLUS_SVC), svc().yaml(), SLICE,
                STATIC_SERVICE, staticService("teststaticservice2", "[0.0.0.0/1, 128.0.0.0/1]")));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, plus(EDS4, "10.11.12.13", "10.11.12.14",
                "10.11.12.15", "0.0.0.0/1", "128.0.0.0/1"));
    }

    /** cluster_render.go injectPortRange (no upstream case): endPort alone starts the range at port 1. */
    @Test
    @DisplayName("(cluster_render.go) endPort without port")
    void endPortWithoutPort() throws ConfigException {
        StunnerConfig c = config(world(GATEWAY, route("udproute-ok",
                "[{group: stunner.l7mp.io, kind: StaticService, name: teststaticservice-ok, endPort: 9000}]"),
                STATIC_SERVICE));
        assertCluster(c, "udproute-ok", ClusterType.STATIC, withRange(new String[] {"10.11.12.13", "10.11.12.14",
                "10.11.12.15"}, ":<1-9000>"));
    }
}
