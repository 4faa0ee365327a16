package io.turngate.config.render;

import io.turngate.config.gateway.GatewayClass;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.gateway.ObjectMeta;
import io.turngate.config.gateway.Origin;
import io.turngate.config.gateway.Resource;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.render.RenderStatus.Condition;
import io.turngate.config.render.RenderStatus.GatewayStatus;
import io.turngate.config.render.RenderStatus.ListenerStatus;
import io.turngate.config.render.RenderStatus.RouteParentStatus;
import io.turngate.config.render.RenderStatus.RouteStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static io.turngate.config.render.OperatorParity.EDS_OFF;
import static io.turngate.config.render.OperatorParity.ENV;
import static io.turngate.config.render.OperatorParity.RELAY_OFF;
import static io.turngate.config.render.OperatorWorld.GATEWAY;
import static io.turngate.config.render.OperatorWorld.GATEWAY_CLASS;
import static io.turngate.config.render.OperatorWorld.GATEWAY_CONFIG;
import static io.turngate.config.render.OperatorWorld.GW;
import static io.turngate.config.render.OperatorWorld.NS;
import static io.turngate.config.render.OperatorWorld.ROUTE;
import static io.turngate.config.render.OperatorWorld.ROUTE_V1A2;
import static io.turngate.config.render.OperatorWorld.SLICE;
import static io.turngate.config.render.OperatorWorld.STATIC_SERVICE;
import static io.turngate.config.render.OperatorWorld.TCP;
import static io.turngate.config.render.OperatorWorld.UDP;
import static io.turngate.config.render.OperatorWorld.gateway;
import static io.turngate.config.render.OperatorWorld.gatewayClass;
import static io.turngate.config.render.OperatorWorld.gatewayConfig;
import static io.turngate.config.render.OperatorWorld.join;
import static io.turngate.config.render.OperatorWorld.node;
import static io.turngate.config.render.OperatorWorld.parse;
import static io.turngate.config.render.OperatorWorld.route;
import static io.turngate.config.render.OperatorWorld.slice;
import static io.turngate.config.render.OperatorWorld.svc;
import static io.turngate.config.render.OperatorWorld.world;
import static io.turngate.config.render.OperatorWorld.worldWithConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Status parity with STUNner's operator: the status cases of {@code gateway_util_test.go},
 * {@code gatewayclass_util_test.go}, {@code udproute_util_test.go}, {@code render_pipeline_managed_mode_test.go}
 * and the integration suite {@code test/managed_mode_test.go} (read at commit 0e1f157), restated as inputs a user
 * would write and the status the operator's code sets for them. Each display name is the upstream file and case;
 * "derived" marks a case taken from the operator's code where no upstream test pins it.
 */
class StatusParityTest {
    static final String GATEWAY_ACCEPTED = "gateway accepted by controller stunner.l7mp.io/gateway-operator";
    static final String OWNED_SVC = svc().owned().clusterIP("4.3.2.1").yaml();
    static final String ROUTE_ID = NS + "/" + GW;

    static RenderStatus status(String yaml) throws ConfigException {
        return status(RenderOptions.DEFAULT, yaml);
    }

    static RenderStatus status(RenderOptions o, String yaml) throws ConfigException {
        return new GatewayRenderer(ENV, o).renderWithStatus(parse(yaml)).status();
    }

    static GatewayStatus gw(RenderStatus s) {
        return gw(s, GW);
    }

    static GatewayStatus gw(RenderStatus s, String name) {
        return s.gateway(NS, name).orElseThrow(() -> new AssertionError("no status for gateway " + name + ": " + s));
    }

    static RouteStatus routeStatus(RenderStatus s, String name) {
        return s.route("stunner.l7mp.io/v1", NS, name).orElseThrow(() -> new AssertionError("no status for route "
                + name + ": " + s.routes()));
    }

    static void assertCondition(Optional<Condition> c, String type, String status, String reason) {
        assertTrue(c.isPresent(), type + " missing");
        assertEquals(status, c.get().status(), type + " status: " + c.get());
        assertEquals(reason, c.get().reason(), type + " reason: " + c.get());
    }

    static void assertCondition(Optional<Condition> c, String type, String status, String reason, String message) {
        assertCondition(c, type, status, reason);
        assertEquals(message, c.get().message(), type + " message");
    }

    /** The conditions of a listener: Accepted, Conflicted, ResolvedRefs, as (status, reason) pairs. */
    record L(String name, String accepted, String acceptedReason, String conflicted, String conflictedReason,
             String resolved, String resolvedReason, int routes) {
        static L ok(String name, int routes) {
            return new L(name, "True", "Accepted", "False", "NoConflicts", "True", "ResolvedRefs", routes);
        }

        static L conflicted(String name, int routes) {
            return new L(name, "False", "PortUnavailable", "True", "ProtocolConflict", "True", "ResolvedRefs", routes);
        }

        static L badProtocol(String name) {
            return new L(name, "False", "UnsupportedProtocol", "False", "NoConflicts", "True", "ResolvedRefs", 0);
        }

        static L badCertificate(String name) {
            return new L(name, "True", "Accepted", "False", "NoConflicts", "False", "InvalidCertificateRef", 0);
        }

        static L pending(String name) {
            return new L(name, "Unknown", "Pending", "False", "NoConflicts", "True", "ResolvedRefs", 0);
        }
    }

    static void assertListeners(GatewayStatus g, List<L> want) {
        assertEquals(want.stream().map(L::name).toList(), g.listeners().stream().map(ListenerStatus::name).toList(),
                "listener statuses, in spec order");
        for (L w : want) {
            ListenerStatus l = g.listener(w.name()).orElseThrow();
            assertEquals(List.of("Accepted", "Conflicted", "ResolvedRefs"),
                    l.conditions().stream().map(Condition::type).toList(), w.name() + " condition types");
            assertCondition(l.condition("Accepted"), w.name() + " Accepted", w.accepted(), w.acceptedReason());
            assertCondition(l.condition("Conflicted"), w.name() + " Conflicted", w.conflicted(), w.conflictedReason());
            assertCondition(l.condition("ResolvedRefs"), w.name() + " ResolvedRefs", w.resolved(), w.resolvedReason());
            assertEquals(w.routes(), l.attachedRoutes(), w.name() + " attachedRoutes");
            assertEquals(List.of(new RenderStatus.RouteGroupKind("gateway.networking.k8s.io", "UDPRoute"),
                    new RenderStatus.RouteGroupKind("stunner.l7mp.io", "UDPRoute")), l.supportedKinds(), "supportedKinds");
        }
    }

    // ---- listeners: a table of upstream cases ------------------------------------------------------------------

    static final String EIGHT_LISTENERS = """
            - {name: udp, port: 1, protocol: TURN-UDP}
            - {name: udp-ok, port: 2, protocol: TURN-UDP}
            - {name: udp-conflicted, port: 1, protocol: TURN-UDP}
            - {name: dtls-conflicted, port: 1, protocol: TURN-DTLS}
            - {name: tcp, port: 11, protocol: TURN-TCP}
            - {name: tcp-ok, port: 12, protocol: TURN-TCP}
            - {name: tcp-conflicted, port: 11, protocol: TURN-TCP}
            - {name: tls-conflicted, port: 11, protocol: TURN-TLS}
            """;

    static Stream<Arguments> listenerCases() {
        return Stream.of(
                Arguments.of("gateway_util_test.go: listener status ok", RenderOptions.DEFAULT,
                        world(GATEWAY, OWNED_SVC, SLICE, ROUTE), true,
                        List.of(L.ok(UDP, 1), L.ok(TCP, 0))),
                Arguments.of("gateway_util_test.go: invalid listener status", RenderOptions.DEFAULT,
                        world(gateway("""
                                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                                - {name: invalid, port: 3, protocol: dummy}
                                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                                """), OWNED_SVC, SLICE, ROUTE), false,
                        List.of(L.ok(UDP, 1), L.badProtocol("invalid"), L.ok(TCP, 0))),
                Arguments.of("gateway_util_test.go: listener status invalid cert-ref", RenderOptions.DEFAULT,
                        world(gateway("- {name: gateway-1-listener-dtls, port: 3, protocol: TURN-DTLS, tls: {mode: "
                                + "Terminate, certificateRefs: [{namespace: testnamespace, name: missing-secret}]}}\n"),
                                OWNED_SVC), false,
                        List.of(L.badCertificate("gateway-1-listener-dtls"))),
                Arguments.of("render_pipeline_managed_mode_test.go: no EDS - E2E test - conflicted status", EDS_OFF,
                        world(gateway(EIGHT_LISTENERS), OWNED_SVC,
                                route("udproute-ok", NS, "[{name: gateway-1}]", "[{name: testservice-ok}]")), false,
                        List.of(L.ok("udp", 1), L.ok("udp-ok", 1), L.conflicted("udp-conflicted", 1),
                                L.conflicted("dtls-conflicted", 1), L.ok("tcp", 1), L.ok("tcp-ok", 1),
                                L.conflicted("tcp-conflicted", 1), L.conflicted("tls-conflicted", 1))),
                Arguments.of("test/managed_mode_test.go: should report missing TLS secret refs", RenderOptions.DEFAULT,
                        world(gateway("""
                                - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
                                - {name: gateway-1-listener-dtls, port: 3, protocol: TURN-DTLS, tls: {mode: Terminate, certificateRefs: [{namespace: testnamespace, name: testsecret-ok}]}}
                                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                                """), OWNED_SVC, SLICE, ROUTE), false,
                        List.of(L.ok(UDP, 1), L.badCertificate("gateway-1-listener-dtls"), L.ok(TCP, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listenerCases")
    @DisplayName("listener statuses")
    void listenerStatuses(String upstream, RenderOptions options, String yaml, boolean programmed, List<L> want)
            throws ConfigException {
        GatewayStatus g = gw(status(options, yaml));
        assertEquals(List.of("Accepted", "Programmed"), g.conditions().stream().map(Condition::type).toList());
        assertCondition(g.condition("Accepted"), "Accepted", "True", "Accepted", GATEWAY_ACCEPTED);
        if (programmed) {
            assertCondition(g.condition("Programmed"), "Programmed", "True", "Programmed",
                    "dataplane configuration successfully rendered");
        } else {
            assertCondition(g.condition("Programmed"), "Programmed", "False", "AddressNotAssigned",
                    "no public address found for at least one listener");
        }
        assertListeners(g, want);
    }

    @Test
    @DisplayName("gateway_util_test.go: listener status messages (derived: setListenerStatus*)")
    void listenerMessages() throws ConfigException {
        GatewayStatus g = gw(status(EDS_OFF, world(gateway(EIGHT_LISTENERS), OWNED_SVC)));
        ListenerStatus ok = g.listener("udp").orElseThrow();
        assertEquals("listener accepted", ok.condition("Accepted").orElseThrow().message());
        assertEquals("listener protocol-port available", ok.condition("Conflicted").orElseThrow().message());
        assertEquals("listener object references sucessfully resolved", ok.condition("ResolvedRefs").orElseThrow()
                .message(), "the operator's text, typo included");
        ListenerStatus c = g.listener("udp-conflicted").orElseThrow();
        assertEquals("port unavailable", c.condition("Accepted").orElseThrow().message());
        assertEquals("multiple listeners specified with the same Listener port and protocol",
                c.condition("Conflicted").orElseThrow().message());
        GatewayStatus bad = gw(status(world(gateway("- {name: invalid, port: 3, protocol: dummy}\n"), OWNED_SVC)));
        assertEquals("unsupported protocol", bad.listener("invalid").orElseThrow().condition("Accepted").orElseThrow()
                .message());
    }

    // ---- Gateway conditions and addresses ----------------------------------------------------------------------

    @Test
    @DisplayName("render_pipeline_managed_mode_test.go: no EDS - E2E test")
    void noEdsE2e() throws ConfigException {
        RenderStatus s = status(EDS_OFF, world(GATEWAY, OWNED_SVC, ROUTE));
        GatewayStatus g = gw(s);
        assertCondition(g.condition("Accepted"), "Accepted", "True", "Accepted");
        assertCondition(g.condition("Programmed"), "Programmed", "True", "Programmed");
        assertEquals(List.of(new RenderStatus.Address("IPAddress", "1.2.3.4")), g.addresses());
        RouteParentStatus p = routeStatus(s, "udproute-ok").parents().get(0);
        assertEquals(RenderStatus.CONTROLLER_NAME, p.controllerName());
        assertCondition(p.condition("Accepted"), "Accepted", "True", "Accepted");
        assertCondition(p.condition("ResolvedRefs"), "ResolvedRefs", "True", "ResolvedRefs");
    }

    @Test
    @DisplayName("test/managed_mode_test.go: should set the Gateway status (no public address for the TCP listener)")
    void notProgrammedWithoutTcpAddress() throws ConfigException {
        String udpOnly = svc().owned().ports("[{name: udp-ok, protocol: UDP, port: 1}]")
                .ingress("[{ip: 1.2.3.4, ports: [{port: 1, protocol: UDP}]}]").yaml();
        GatewayStatus g = gw(status(world(GATEWAY, udpOnly)));
        assertCondition(g.condition("Accepted"), "Accepted", "True", "Accepted");
        assertCondition(g.condition("Programmed"), "Programmed", "False", "AddressNotAssigned");
        assertEquals(List.of(new RenderStatus.Address("IPAddress", "1.2.3.4")), g.addresses(),
                "the address found is reported even when another listener has none");
        assertListeners(g, List.of(L.ok(UDP, 0), L.ok(TCP, 0)));
    }

    @Test
    @DisplayName("service_util_test.go: fallback to hostname ok (derived: getLBAddr → status address type Hostname)")
    void hostnameAddress() throws ConfigException {
        String svc = svc().owned().ingress("[{hostname: dummy-hostname, ports: [{port: 1, protocol: UDP},"
                + " {port: 2, protocol: TCP}]}]").yaml();
        assertEquals(List.of(new RenderStatus.Address("Hostname", "dummy-hostname")),
                gw(status(world(GATEWAY, svc))).addresses());
    }

    @Test
    @DisplayName("test/managed_mode_test.go: should allow Gateway to set the Gateway Address (type from spec.addresses)")
    void specAddressType() throws ConfigException {
        String gwWithAddress = gateway(GW, "gatewayclass-ok", "{}", OperatorWorld.LISTENERS,
                "addresses: [{type: Hostname, value: turn.example.com}]\n");
        GatewayStatus g = gw(status(world(gwWithAddress, svc().owned().yaml())));
        assertEquals(List.of(new RenderStatus.Address("Hostname", "turn.example.com")), g.addresses());
        String untyped = gateway(GW, "gatewayclass-ok", "{}", OperatorWorld.LISTENERS,
                "addresses: [{value: 5.6.7.8}]\n");
        assertEquals(List.of(new RenderStatus.Address("IPAddress", "5.6.7.8")),
                gw(status(world(untyped, svc().owned().yaml()))).addresses());
    }

    @Test
    @DisplayName("test/managed_mode_test.go: should install a NodePort public IP/port (node address type IPAddress)")
    void nodeAddress() throws ConfigException {
        String nodePortSvc = svc().owned().type("NodePort").ingress(null)
                .ports("[{name: udp-ok, protocol: UDP, port: 1, nodePort: 30001},"
                        + " {name: tcp-ok, protocol: TCP, port: 2, nodePort: 30002}]").yaml();
        GatewayStatus g = gw(status(world(GATEWAY, nodePortSvc, OperatorWorld.NODE)));
        assertCondition(g.condition("Programmed"), "Programmed", "True", "Programmed");
        assertEquals(List.of(new RenderStatus.Address("IPAddress", "1.2.3.4")), g.addresses());
        String dnsNode = node("testnode-dns", "[{type: ExternalDNS, address: node.example.com}]");
        assertEquals(List.of(new RenderStatus.Address("IPAddress", "node.example.com")),
                gw(status(world(GATEWAY, nodePortSvc, dnsNode))).addresses(),
                "the operator reports a node address as IPAddress even when it is an ExternalDNS name");
    }

    @Test
    @DisplayName("render_pipeline_managed_mode_test.go: E2E invalidation (GatewayConfig missing)")
    void invalidation() throws ConfigException {
        RenderStatus s = status(join(List.of(GATEWAY_CLASS, GATEWAY, OWNED_SVC, SLICE, ROUTE)));
        String error = "No GatewayConfig found for name: testnamespace/gatewayconfig-ok";
        assertCondition(s.gatewayClass("gatewayclass-ok").orElseThrow().conditions().stream().findFirst(),
                "Accepted", "False", "InvalidParameters",
                "controller \"stunner.l7mp.io/gateway-operator\" failed to process GatewayClass: " + error);
        GatewayStatus g = gw(s);
        assertEquals(List.of("Accepted", "Programmed"), g.conditions().stream().map(Condition::type).toList());
        assertCondition(g.condition("Accepted"), "Accepted", "False", "Pending", error);
        assertCondition(g.condition("Programmed"), "Programmed", "False", "Invalid",
                "error processing gateway by controller stunner.l7mp.io/gateway-operator: " + error);
        assertEquals(List.of(), g.addresses(), "gateway_util_test.go: gateway status ok: no addresses");
        assertListeners(g, List.of(L.pending(UDP), L.pending(TCP)));
        RouteParentStatus p = routeStatus(s, "udproute-ok").parents().get(0);
        assertCondition(p.condition("Accepted"), "Accepted", "True", "Accepted");
    }

    @Test
    @DisplayName("render_pipeline.go: renderForGateways error → invalidateGateways (derived: missing password)")
    void criticalRenderError() throws ConfigException {
        String noPassword = """
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: gatewayconfig-ok, namespace: testnamespace}
                spec: {realm: testrealm, authType: static, userName: testuser}
                """;
        RenderResult r = new GatewayRenderer(ENV).renderWithStatus(parse(worldWithConfig(noPassword, GATEWAY,
                OWNED_SVC)));
        assertTrue(r.gateways().isEmpty());
        assertFalse(r.problems().isEmpty());
        assertCondition(r.status().gatewayClass("gatewayclass-ok").orElseThrow().conditions().stream().findFirst(),
                "Accepted", "True", "Accepted", "GatewayClass is now managed by controller"
                        + " \"stunner.l7mp.io/gateway-operator\"");
        GatewayStatus g = gw(r.status());
        String error = "missing username and/or password for plaintext authentication";
        assertCondition(g.condition("Accepted"), "Accepted", "False", "Pending", error);
        assertCondition(g.condition("Programmed"), "Programmed", "False", "Invalid",
                "error processing gateway by controller stunner.l7mp.io/gateway-operator: " + error);
    }

    @Test
    @DisplayName("turngate: a config stunnerd refuses (TLS without certificate) invalidates the Gateway")
    void refusedConfigInvalidates() throws ConfigException {
        RenderResult r = new GatewayRenderer(ENV).renderWithStatus(parse(world(gateway(
                "- {name: tls, port: 443, protocol: TURN-TLS}\n"), OWNED_SVC)));
        assertTrue(r.gateways().isEmpty());
        GatewayStatus g = gw(r.status());
        assertCondition(g.condition("Accepted"), "Accepted", "False", "Pending");
        assertCondition(g.condition("Programmed"), "Programmed", "False", "Invalid");
        assertTrue(g.condition("Accepted").orElseThrow().message().contains("rendered config"),
                g.condition("Accepted").orElseThrow().message());
    }

    @Test
    @DisplayName("render_pipeline_managed_mode_test.go: EDS with no relay-to-cluster-IP - E2E rendering for multiple"
            + " gateway-classes")
    void multipleClasses() throws ConfigException {
        String dummyGw = gateway("dummy-gateway", "dummy-gateway-class", "{}", OperatorWorld.LISTENERS, "");
        String twoParents = route("udproute-ok", NS, "[{name: dummy-gateway, namespace: testnamespace},"
                        + " {name: gateway-1, namespace: testnamespace, sectionName: gateway-1-listener-udp}]",
                "[{name: testservice-ok, namespace: testnamespace, port: 10, endPort: 100},"
                        + " {name: dummy-service, namespace: testnamespace}]");
        String dummySvc = svc().name("dummy-service").yaml();
        String dummySlice = slice("dummy-service-endpointslice", NS, "dummy-service",
                "- addresses: [4.4.4.4]\n  conditions: {ready: true, serving: true}\n");
        RenderStatus s = status(RELAY_OFF, join(List.of(GATEWAY_CLASS, GATEWAY_CONFIG,
                gatewayClass("dummy-gateway-class", "dummy-gateway-config"), gatewayConfig("dummy-gateway-config", ""),
                dummyGw, GATEWAY, twoParents, OWNED_SVC, dummySvc, SLICE, dummySlice)));
        assertEquals(List.of("dummy-gateway-class", "gatewayclass-ok"),
                s.gatewayClasses().stream().map(c -> c.object().name()).toList());
        for (String name : List.of(GW, "dummy-gateway")) {
            assertCondition(gw(s, name).condition("Accepted"), name + " Accepted", "True", "Accepted");
        }
        assertCondition(gw(s).condition("Programmed"), "Programmed", "True", "Programmed");
        List<RouteParentStatus> ps = routeStatus(s, "udproute-ok").parents();
        assertEquals(2, ps.size());
        for (RouteParentStatus p : ps) {
            assertCondition(p.condition("Accepted"), p.parentRef().name() + " Accepted", "True", "Accepted");
            assertCondition(p.condition("ResolvedRefs"), p.parentRef().name() + " ResolvedRefs", "True", "ResolvedRefs");
        }
        assertEquals(new RenderStatus.ParentRef("gateway.networking.k8s.io", "Gateway", NS, "dummy-gateway", null),
                ps.get(0).parentRef());
    }

    @Test
    @DisplayName("gateway_util_test.go: gateway rescheduled/re-ready status ok (the rendered generation travels along)")
    void generation() throws ConfigException {
        String gen4 = GATEWAY.replace("  name: gateway-1\n", "  name: gateway-1\n  generation: 4\n  uid: gw-uid\n");
        GatewayStatus g = gw(status(world(gen4, OWNED_SVC)));
        assertEquals(4L, g.object().generation());
        assertEquals("gw-uid", g.object().uid());
        assertEquals("gateway.networking.k8s.io/v1", g.object().apiVersion());
        assertEquals(null, gw(status(world(GATEWAY, OWNED_SVC))).object().generation(), "unknown: the writer takes the"
                + " live generation");
    }

    // ---- GatewayClass ------------------------------------------------------------------------------------------

    static String classWithRef(String ref) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: gatewayclass-ok}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                """ + (ref == null ? "" : "  parametersRef: " + ref + "\n");
    }

    static Stream<Arguments> unmanagedClasses() {
        return Stream.of(
                Arguments.of("gatewayclass_util_test.go: wrong controller errs", GATEWAY_CLASS.replace(
                        "stunner.l7mp.io/gateway-operator", "dummy")),
                Arguments.of("gatewayclass_util_test.go: empty parametersref errs", classWithRef(null)),
                Arguments.of("gatewayclass_util_test.go: invalid ref group errs", classWithRef(
                        "{group: dummy, kind: GatewayConfig, name: gatewayconfig-ok, namespace: testnamespace}")),
                Arguments.of("gatewayclass_util_test.go: nil ref namespace errs", classWithRef(
                        "{group: stunner.l7mp.io, kind: GatewayConfig, name: gatewayconfig-ok}")),
                Arguments.of("gatewayclass_util_test.go: empty ref namespace errs", classWithRef(
                        "{group: stunner.l7mp.io, kind: GatewayConfig, name: gatewayconfig-ok, namespace: ''}")),
                Arguments.of("gatewayclass_util.go: validateGatewayClass kind (derived)", classWithRef(
                        "{group: stunner.l7mp.io, kind: Dummy, name: gatewayconfig-ok, namespace: testnamespace}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unmanagedClasses")
    @DisplayName("classes the operator skips get no status, nor do their Gateways and routes")
    void unmanagedClass(String upstream, String gatewayClass) throws ConfigException {
        RenderStatus s = status(join(List.of(gatewayClass, GATEWAY_CONFIG, GATEWAY, OWNED_SVC, SLICE, ROUTE)));
        assertEquals(RenderStatus.EMPTY, s);
    }

    @Test
    @DisplayName("gatewayclass_util_test.go: empty ref name errs (the loader refuses it, so built in code)")
    void emptyRefName() throws ConfigException {
        GatewayResources base = parse(join(List.of(GATEWAY_CONFIG, GATEWAY, OWNED_SVC, SLICE, ROUTE)));
        List<Resource> all = new ArrayList<>();
        all.addAll(base.gatewayConfigs());
        all.addAll(base.gateways());
        all.addAll(base.services());
        all.addAll(base.endpointSlices());
        all.addAll(base.udpRoutes());
        all.add(new GatewayClass("gateway.networking.k8s.io/v1", new ObjectMeta("gatewayclass-ok", "", null, null),
                GatewayRenderer.CONTROLLER_NAME, new GatewayClass.ParametersRef("stunner.l7mp.io", "GatewayConfig", "",
                NS), new Origin("test", 1)));
        assertEquals(RenderStatus.EMPTY, new GatewayRenderer(ENV).renderWithStatus(GatewayResources.of(all)).status());
    }

    @Test
    @DisplayName("gatewayclass_util_test.go: condition status: accepted")
    void classAccepted() throws ConfigException {
        RenderStatus s = status(world());
        List<Condition> cs = s.gatewayClass("gatewayclass-ok").orElseThrow().conditions();
        assertEquals(1, cs.size());
        assertCondition(cs.stream().findFirst(), "Accepted", "True", "Accepted",
                "GatewayClass is now managed by controller \"stunner.l7mp.io/gateway-operator\"");
        assertEquals("GatewayClass", s.gatewayClasses().get(0).object().kind());
        assertEquals("", s.gatewayClasses().get(0).object().namespace());
    }

    @Test
    @DisplayName("gateway_util_test.go: wrong gatewayclassname errs (no status for a Gateway of an unknown class)")
    void gatewayOfUnknownClass() throws ConfigException {
        RenderStatus s = status(world(gateway(GW, "dummy", "{}", OperatorWorld.LISTENERS, ""), ROUTE));
        assertTrue(s.gateways().isEmpty());
        assertTrue(s.routes().isEmpty(), "a route whose only parent is not managed gets no status");
    }

    // ---- routes: a table of upstream cases ---------------------------------------------------------------------

    /** One expected parent status: name and sectionName of the parentRef, Accepted reason, ResolvedRefs reason. */
    record P(String namespace, String name, String section, String accepted, String resolved) {
    }

    static final String OK = "Accepted";
    static final String RESOLVED = "ResolvedRefs";

    static Stream<Arguments> routeCases() {
        String allListener = gateway("""
                - {name: gateway-1-listener-udp, port: 1, protocol: UDP, allowedRoutes: {namespaces: {from: All}}}
                - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
                """);
        String crossNs = route("udproute-cross-namespace", "dummy-namespace",
                "[{name: gateway-1, namespace: testnamespace}]", "[{name: testservice-ok, namespace: testnamespace}]");
        return Stream.of(
                Arguments.of("udproute_util_test.go: valid routes - status", world(GATEWAY, OWNED_SVC, SLICE, ROUTE),
                        NS, "udproute-ok", List.of(new P(null, GW, UDP, OK, RESOLVED))),
                Arguments.of("udproute_util_test.go: missing parent in route - errs",
                        world(GATEWAY, OWNED_SVC, SLICE, route("udproute-no-parent", NS,
                                "[{name: gateway-1, sectionName: gateway-1-listener-udp},"
                                        + " {name: gateway-1, sectionName: dummy}, {name: dummy}]",
                                "[{name: testservice-ok}]")),
                        NS, "udproute-no-parent", List.of(new P(null, GW, UDP, OK, RESOLVED),
                                new P(null, GW, "dummy", "NotAllowedByListeners", RESOLVED),
                                new P(null, "dummy", null, "NoMatchingParent", RESOLVED))),
                Arguments.of("udproute_util_test.go: invalid routes - status",
                        world(GATEWAY, OWNED_SVC, SLICE, route("udproute-wrong-listener-name", NS,
                                "[{name: gateway-1, sectionName: dummy}]", "[{name: testservice-ok}]")),
                        NS, "udproute-wrong-listener-name", List.of(new P(null, GW, "dummy", "NotAllowedByListeners",
                                RESOLVED))),
                Arguments.of("udproute_util_test.go: valid cross-namespace route - status",
                        world(allListener, OWNED_SVC, SLICE, crossNs), "dummy-namespace", "udproute-cross-namespace",
                        List.of(new P(NS, GW, null, OK, RESOLVED))),
                Arguments.of("udproute_util_test.go: invalid cross-namespace route - status",
                        world(GATEWAY, OWNED_SVC, SLICE, crossNs), "dummy-namespace", "udproute-cross-namespace",
                        List.of(new P(NS, GW, null, "NotAllowedByListeners", RESOLVED))),
                Arguments.of("udproute_util_test.go: missing Service backend - status",
                        world(GATEWAY, OWNED_SVC, SLICE, route("udproute-missing-service-backend",
                                "[{name: dummy-svc}]")),
                        NS, "udproute-missing-service-backend", List.of(new P(null, GW, UDP, OK, "BackendNotFound"))),
                Arguments.of("udproute_util_test.go: missing StaticService backend - status",
                        world(GATEWAY, OWNED_SVC, STATIC_SERVICE, route("udproute-missing-service-backend",
                                "[{group: stunner.l7mp.io, kind: StaticService, name: teststaticservice-dummy},"
                                        + " {group: stunner.l7mp.io, kind: StaticService, name: teststaticservice-ok}]")),
                        NS, "udproute-missing-service-backend", List.of(new P(null, GW, UDP, OK, "BackendNotFound"))),
                Arguments.of("udproute_util.go: InvalidBackendKind → InvalidKind (derived)",
                        world(GATEWAY, OWNED_SVC, SLICE, route("udproute-bad-kind",
                                "[{name: testservice-ok}, {kind: Deployment, name: dummy}]")),
                        NS, "udproute-bad-kind", List.of(new P(null, GW, UDP, OK, "InvalidKind"))),
                Arguments.of("udproute_util.go: InvalidBackendGroup → InvalidKind (derived)",
                        world(GATEWAY, OWNED_SVC, SLICE, route("udproute-bad-group",
                                "[{group: apps, kind: Service, name: testservice-ok}]")),
                        NS, "udproute-bad-group", List.of(new P(null, GW, UDP, OK, "InvalidKind"))),
                Arguments.of("cluster_render.go: a Service without ClusterIP → ResolvedRefs False (derived)",
                        world(GATEWAY, svc().owned().yaml(), SLICE, ROUTE),
                        NS, "udproute-ok", List.of(new P(null, GW, UDP, OK, "BackendNotFound"))),
                Arguments.of("cluster_render.go: NoRuleFound → BackendNotFound (derived)",
                        world(GATEWAY, OWNED_SVC, """
                                apiVersion: stunner.l7mp.io/v1
                                kind: UDPRoute
                                metadata: {name: udproute-no-rules, namespace: testnamespace}
                                spec:
                                  parentRefs: [{name: gateway-1}]
                                """),
                        NS, "udproute-no-rules", List.of(new P(null, GW, null, OK, "BackendNotFound"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeCases")
    @DisplayName("route parent statuses")
    void routeStatuses(String upstream, String yaml, String ns, String name, List<P> want) throws ConfigException {
        RenderStatus s = status(yaml);
        RouteStatus r = s.route("stunner.l7mp.io/v1", ns, name).orElseThrow(() -> new AssertionError(
                "no status for " + ns + "/" + name + ": " + s.routes()));
        assertEquals(want.size(), r.parents().size(), "one parent status per parentRef");
        for (int i = 0; i < want.size(); i++) {
            P w = want.get(i);
            RouteParentStatus p = r.parents().get(i);
            assertEquals(new RenderStatus.ParentRef("gateway.networking.k8s.io", "Gateway", w.namespace(), w.name(),
                    w.section()), p.parentRef(), "parentRef[" + i + "]");
            assertEquals("stunner.l7mp.io/gateway-operator", p.controllerName());
            assertEquals(List.of("Accepted", "ResolvedRefs"), p.conditions().stream().map(Condition::type).toList());
            Condition a = p.condition("Accepted").orElseThrow();
            assertEquals(w.accepted(), a.reason(), "parent " + i + " Accepted: " + a);
            assertEquals(w.accepted().equals(OK) ? "True" : "False", a.status(), "parent " + i + " Accepted: " + a);
            String parentId = (w.namespace() == null ? ns : w.namespace()) + "/" + w.name();
            String message = switch (w.accepted()) {
                case OK -> "parent " + parentId + " accepted the route";
                case "NotAllowedByListeners" -> "parent " + parentId + " rejects the route";
                default -> "parent " + parentId + " does not exist";
            };
            assertEquals(message, a.message());
            Condition rr = p.condition("ResolvedRefs").orElseThrow();
            assertEquals(w.resolved(), rr.reason(), "parent " + i + " ResolvedRefs: " + rr);
            assertEquals(w.resolved().equals(RESOLVED) ? "True" : "False", rr.status());
            assertEquals(w.resolved().equals(RESOLVED) ? "all backend references successfully resolved"
                    : "at least one backend reference failed to be successfully resolved", rr.message());
        }
    }

    @Test
    @DisplayName("test/managed_mode_test.go: should survive masking the v1a2 route with a stunner.v1 route")
    void maskedRoute() throws ConfigException {
        RenderStatus s = status(world(GATEWAY, OWNED_SVC, SLICE, ROUTE, ROUTE_V1A2));
        assertCondition(routeStatus(s, "udproute-ok").parents().get(0).condition("Accepted"), "Accepted", "True", "Accepted");
        RouteStatus masked = s.route("gateway.networking.k8s.io/v1alpha2", NS, "udproute-ok").orElseThrow();
        assertEquals(1, masked.parents().size());
        assertCondition(masked.parents().get(0).condition("Accepted"), "Accepted", "False", "Pending",
                "GwAPI.v1 UDPRoute masked by a STUNnerV1 UDPRoute");
        assertCondition(masked.parents().get(0).condition("ResolvedRefs"), "ResolvedRefs", "True", "ResolvedRefs");
        assertEquals(List.of("stunner.l7mp.io/v1", "gateway.networking.k8s.io/v1alpha2"),
                s.routes().stream().map(r -> r.object().apiVersion()).sorted((a, b) -> b.compareTo(a)).toList());
    }

    @Test
    @DisplayName("test/managed_mode_test.go: should survive deleting Gateway 2 (the parent left is NoMatchingParent)")
    void deletedParent() throws ConfigException {
        String twoParents = route("udproute-ok", NS, "[{name: gateway-1, sectionName: gateway-1-listener-udp},"
                + " {name: gateway-2}]", "[{name: testservice-ok}]");
        String gw2 = gateway("gateway-2", "gatewayclass-ok", "{}", OperatorWorld.LISTENERS, "");
        RenderStatus both = status(world(GATEWAY, gw2, OWNED_SVC, SLICE, twoParents));
        assertCondition(routeStatus(both, "udproute-ok").parents().get(1).condition("Accepted"), "Accepted", "True", OK);
        RenderStatus one = status(world(GATEWAY, OWNED_SVC, SLICE, twoParents));
        List<RouteParentStatus> ps = routeStatus(one, "udproute-ok").parents();
        assertCondition(ps.get(0).condition("Accepted"), "Accepted", "True", OK);
        assertCondition(ps.get(1).condition("Accepted"), "Accepted", "False", "NoMatchingParent",
                "parent testnamespace/gateway-2 does not exist");
        assertCondition(ps.get(1).condition("ResolvedRefs"), "ResolvedRefs", "True", RESOLVED);
    }

    @Test
    @DisplayName("udproute_util.go: isRouteControlled (a route of another controller's Gateway gets no status)")
    void foreignRoute() throws ConfigException {
        String other = gatewayClass("other-class", "gatewayconfig-ok").replace("stunner.l7mp.io/gateway-operator",
                "example.com/other");
        String otherGw = gateway("other-gateway", "other-class", "{}", OperatorWorld.LISTENERS, "");
        RenderStatus s = status(world(other, otherGw, GATEWAY, OWNED_SVC, SLICE, ROUTE,
                route("udproute-other", NS, "[{name: other-gateway}]", "[{name: testservice-ok}]")));
        assertTrue(s.route("stunner.l7mp.io/v1", NS, "udproute-other").isEmpty());
        assertTrue(s.gateway(NS, "other-gateway").isEmpty());
        assertTrue(s.gatewayClass("other-class").isEmpty());
        assertTrue(s.route("stunner.l7mp.io/v1", NS, "udproute-ok").isPresent());
    }

    @Test
    @DisplayName("renderAll is renderWithStatus without the status: same configs, same problems")
    void renderAllAgrees() throws ConfigException {
        String yaml = world(GATEWAY, OWNED_SVC, SLICE, ROUTE);
        GatewayRenderer r = new GatewayRenderer(ENV);
        RenderResult res = r.renderWithStatus(parse(yaml));
        assertTrue(res.complete());
        assertEquals(r.renderAll(parse(yaml)), res.gateways());
    }
}
