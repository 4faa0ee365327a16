package io.turngate.config.render;

import io.turngate.config.Samples;
import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayRendererTest extends GatewayRendererFixtureCases {
    @Override
    Path stunnerFixtures() {
        return Samples.stunner();
    }

    /** GatewayClass (document 1) + GatewayConfig (document 2) with the given spec lines, then {@code rest}. */
    static String withClass(String configSpec, String rest) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: stunner-gatewayclass}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: cfg, namespace: stunner}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: cfg, namespace: stunner}
                spec:
                """ + configSpec.indent(2) + "---\n" + rest;
    }

    static final String STATIC_AUTH = "userName: user-1\npassword: pass-1\n";

    static String gateway(String name, String listeners) {
        return "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: " + name
                + ", namespace: stunner}\nspec:\n  gatewayClassName: stunner-gatewayclass\n  listeners:\n"
                + listeners.indent(2) + "---\n";
    }

    static final String UDP_LISTENER = "- {name: udp-listener, port: 3478, protocol: TURN-UDP}\n";

    static GatewayResources parse(String yaml) throws ConfigException {
        return GatewayResources.parse(yaml, "x.yaml");
    }

    RenderedGateway renderOnly(String yaml) throws ConfigException {
        List<RenderedGateway> all = renderer.renderAll(parse(yaml));
        assertEquals(1, all.size(), "exactly one gateway renders");
        return all.get(0);
    }

    // ---- clusters ---------------------------------------------------------------------------------------

    @Test
    void portAndEndPortBecomeRangeSuffixesOnEveryStaticEndpoint() throws ConfigException {
        String routes = """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [10.0.0.0/8, 192.0.2.1]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: sfu, namespace: media}
                spec: {clusterIP: 10.96.0.10}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: sfu-1, namespace: media, labels: {kubernetes.io/service-name: sfu}}
                addressType: IPv4
                endpoints: [{addresses: [10.244.0.7]}]
                ---
                """ + route("single", "{kind: StaticService, group: stunner.l7mp.io, name: media, port: 5000}")
                + route("range", "{kind: StaticService, group: stunner.l7mp.io, name: media, port: 10000, endPort: 20000}")
                + route("endonly", "{kind: StaticService, group: stunner.l7mp.io, name: media, endPort: 9000}")
                + route("badend", "{kind: StaticService, group: stunner.l7mp.io, name: media, port: 7000, endPort: 6000}")
                + route("full", "{kind: StaticService, group: stunner.l7mp.io, name: media, port: 1, endPort: 65535}")
                + route("svc", "{name: sfu, namespace: media, port: 8443}");
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + routes));
        StunnerConfig c = rg.config();
        assertEquals(List.of("10.0.0.0/8:<5000-5000>", "192.0.2.1:<5000-5000>"), cluster(c, "stunner/single").endpoints());
        assertEquals(List.of("10.0.0.0/8:<10000-20000>", "192.0.2.1:<10000-20000>"), cluster(c, "stunner/range").endpoints());
        assertEquals(List.of("10.0.0.0/8:<1-9000>", "192.0.2.1:<1-9000>"), cluster(c, "stunner/endonly").endpoints(),
                "endPort alone: the operator's range starts at port 1");
        assertEquals(List.of("10.0.0.0/8:<7000-7000>", "192.0.2.1:<7000-7000>"), cluster(c, "stunner/badend").endpoints());
        assertEquals(List.of("10.0.0.0/8", "192.0.2.1"), cluster(c, "stunner/full").endpoints());
        assertEquals(List.of("10.244.0.7:<8443-8443>", "10.96.0.10:<8443-8443>"), cluster(c, "stunner/svc").endpoints());
        assertWarning(rg, "udproute stunner/endonly: spec.rules[0].backendRefs[0] endPort 9000 without port: ports"
                + " 1-9000 allowed (the operator starts the range at 1)");
        assertWarning(rg, "udproute stunner/badend: spec.rules[0].backendRefs[0] endPort 6000 (expected: 7000..65535);"
                + " ignored, only port 7000 allowed");
        assertEquals(List.of("stunner/badend", "stunner/endonly", "stunner/full", "stunner/range", "stunner/single",
                "stunner/svc"), c.listeners().get(0).routes());
    }

    static String route(String name, String backend) {
        return "apiVersion: stunner.l7mp.io/v1\nkind: UDPRoute\nmetadata: {name: " + name + ", namespace: stunner}\n"
                + "spec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [" + backend + "]\n---\n";
    }

    @Test
    void v1alpha2RouteDropsThePortSoAllPortsAreAllowed() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [192.0.2.0/24]}
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: UDPRoute
                metadata: {name: legacy, namespace: stunner}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: media, port: 9000}]
                """);
        RenderedGateway rg = renderOnly(yaml);
        assertEquals(List.of("192.0.2.0/24"), cluster(rg.config(), "stunner/legacy").endpoints());
        assertEquals(List.of("stunner/legacy"), rg.config().listeners().get(0).routes());
    }

    @Test
    void mixingStaticAndStrictDnsBackendsSkipsTheInconsistentOne() throws ConfigException {
        String base = """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [192.0.2.0/24]}
                ---
                """;
        GatewayRenderer noEds = new GatewayRenderer(ENV, RenderOptions.DEFAULT.withEndpointDiscovery(false));
        RenderedGateway rg = noEds.renderAll(parse(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + base
                + route("r", "{group: stunner.l7mp.io, kind: StaticService, name: media}, {name: sfu}")))).get(0);
        ClusterConfig c = cluster(rg.config(), "stunner/r");
        assertEquals(ClusterType.STATIC, c.type());
        assertEquals(List.of("192.0.2.0/24"), c.endpoints());
        assertWarning(rg, "udproute stunner/r: spec.rules[0].backendRefs[1] Service stunner/sfu: STRICT_DNS backend in"
                + " a STATIC cluster (inconsistent cluster type); backend skipped");
        assertWarning(rg, "udproute stunner/r: the operator's renderer gives this cluster type STRICT_DNS, the type of"
                + " its last (skipped) backend; rendered here as STATIC");

        RenderedGateway reversed = noEds.renderAll(parse(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + base
                + route("r", "{name: sfu}, {group: stunner.l7mp.io, kind: StaticService, name: media}")))).get(0);
        ClusterConfig d = cluster(reversed.config(), "stunner/r");
        assertEquals(ClusterType.STRICT_DNS, d.type());
        assertEquals(List.of("sfu.stunner.svc.cluster.local"), d.endpoints());
        assertWarning(reversed, "udproute stunner/r: spec.rules[0].backendRefs[1] StaticService stunner/media: STATIC"
                + " backend in a STRICT_DNS cluster (inconsistent cluster type); backend skipped");
    }

    @Test
    void aBackendAfterAMissingOneIsKeptAndTheOperatorsDifferenceIsSaid() throws ConfigException {
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [192.0.2.0/24]}
                ---
                """ + route("r", "{name: ghost, namespace: other}, {group: stunner.l7mp.io, kind: StaticService,"
                + " name: media}")));
        assertEquals(List.of("192.0.2.0/24"), cluster(rg.config(), "stunner/r").endpoints());
        assertWarning(rg, "udproute stunner/r: spec.rules[0].backendRefs[0] Service other/ghost: neither the Service"
                + " nor an EndpointSlice for it is in the input; backend skipped, as the operator does (BackendNotFound)");
        assertWarning(rg, "udproute stunner/r: spec.rules[0].backendRefs[1] StaticService stunner/media: the operator's"
                + " renderer skips this backend too, because the error of an earlier backend that was not found is"
                + " still pending; rendered here");

        RenderedGateway last = renderOnly(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [192.0.2.0/24]}
                ---
                """ + route("r", "{group: stunner.l7mp.io, kind: StaticService, name: media},"
                + " {group: stunner.l7mp.io, kind: StaticService, name: gone}")));
        assertEquals(List.of("192.0.2.0/24"), cluster(last.config(), "stunner/r").endpoints());
        assertWarning(last, "udproute stunner/r: the operator's renderer renders no cluster for this route, because its"
                + " last backend is a StaticService that is not found; rendered here from the other backends");
    }

    @Test
    void onlyTheFirstRuleCountsAndARouteWithoutRulesIsSkipped() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: a, namespace: stunner}
                spec: {prefixes: [192.0.2.1]}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: b, namespace: stunner}
                spec: {prefixes: [198.51.100.1]}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: two, namespace: stunner}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                  - backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: a}]
                  - backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: b}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: none, namespace: stunner}
                spec:
                  parentRefs: [{name: gw}]
                """);
        RenderedGateway rg = renderOnly(yaml);
        assertEquals(List.of("192.0.2.1"), cluster(rg.config(), "stunner/two").endpoints());
        assertTrue(rg.config().cluster("stunner/none").isEmpty());
        assertEquals(List.of("stunner/none", "stunner/two"), rg.config().listeners().get(0).routes(),
                "the listener still lists every attached route, as the operator does");
        assertWarning(rg, "udproute stunner/two: 2 rules; only spec.rules[0] is rendered (STUNner), the others are ignored");
        assertWarning(rg, "udproute stunner/none: spec.rules missing (expected: at least one rule with backendRefs); route"
                + " not rendered");
    }

    @Test
    void legacyEndpointsAreUsedWhenThereIsNoEndpointSlice() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: v1
                kind: Service
                metadata: {name: sfu, namespace: stunner}
                spec: {clusterIP: None}
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: sfu, namespace: stunner}
                subsets:
                - addresses: [{ip: 10.244.0.8}]
                  notReadyAddresses: [{ip: 10.244.0.9}]
                ---
                """ + route("r", "{name: sfu}"));
        RenderedGateway rg = renderOnly(yaml);
        assertEquals(List.of("10.244.0.8", "10.244.0.9"), cluster(rg.config(), "stunner/r").endpoints(),
                "headless Service: no ClusterIP; notReadyAddresses included");
    }

    // ---- attachment -------------------------------------------------------------------------------------

    @Test
    void sectionNameAttachesToOneListenerOnly() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", """
                - {name: udp, port: 3478, protocol: TURN-UDP}
                - {name: tcp, port: 3478, protocol: TURN-TCP}
                """) + """
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: media, namespace: stunner}
                spec: {prefixes: [192.0.2.0/24]}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: only-udp, namespace: stunner}
                spec:
                  parentRefs: [{name: gw, sectionName: udp}]
                  rules: [{backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: media}]}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: both, namespace: stunner}
                spec:
                  parentRefs: [{name: gw, namespace: stunner, group: gateway.networking.k8s.io, kind: Gateway}]
                  rules: [{backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: media}]}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: typo, namespace: stunner}
                spec:
                  parentRefs: [{name: gw, sectionName: dtls}]
                  rules: [{backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: media}]}]
                """);
        RenderedGateway rg = renderOnly(yaml);
        StunnerConfig c = rg.config();
        assertEquals(List.of("stunner/both", "stunner/only-udp"), listener(c, "stunner/gw/udp").routes());
        assertEquals(List.of("stunner/both"), listener(c, "stunner/gw/tcp").routes());
        assertTrue(c.cluster("stunner/typo").isEmpty(), "a route attached nowhere gets no cluster");
        assertEquals(2, c.clusters().size());
        assertWarning(rg, "udproute stunner/typo: spec.parentRefs[0] gw/dtls: sectionName \"dtls\" names no listener of"
                + " gateway stunner/gw (expected: one of udp, tcp); not attached");
    }

    @Test
    void allowedRoutesSameAllAndSelector() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", """
                - {name: same, port: 3478, protocol: TURN-UDP}
                - name: all
                  port: 3479
                  protocol: TURN-UDP
                  allowedRoutes: {namespaces: {from: All}}
                - name: sel
                  port: 3480
                  protocol: TURN-UDP
                  allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: media}}}}
                """) + """
                apiVersion: v1
                kind: Namespace
                metadata: {name: media, labels: {team: media}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: stunner}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: StaticService
                metadata: {name: open, namespace: stunner}
                spec: {prefixes: [0.0.0.0/0]}
                ---
                """ + nsRoute("stunner") + nsRoute("media") + nsRoute("other"));
        RenderedGateway rg = renderOnly(yaml);
        StunnerConfig c = rg.config();
        assertEquals(List.of("stunner/r"), listener(c, "stunner/gw/same").routes());
        assertEquals(List.of("media/r", "other/r", "stunner/r"), listener(c, "stunner/gw/all").routes());
        assertEquals(List.of("media/r"), listener(c, "stunner/gw/sel").routes());
        assertEquals(List.of("media/r", "other/r", "stunner/r"), c.clusters().stream().map(ClusterConfig::name).toList());
        assertWarning(rg, "gateway stunner/gw: listener \"sel\": namespace \"other\" of udproute other/r is not in the input,"
                + " so allowedRoutes.namespaces.selector cannot be evaluated (treated as not matching; include the"
                + " Namespace object)");
    }

    private static String nsRoute(String ns) {
        return "apiVersion: stunner.l7mp.io/v1\nkind: UDPRoute\nmetadata: {name: r, namespace: " + ns + "}\n"
                + "spec:\n  parentRefs: [{name: gw, namespace: stunner}]\n  rules: [{backendRefs: [{group: stunner.l7mp.io,"
                + " kind: StaticService, name: open, namespace: stunner}]}]\n---\n";
    }

    @Test
    void routeFromAnotherNamespaceIsNotAttachedByDefault() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + """
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: r, namespace: media}
                spec:
                  parentRefs: [{name: gw, namespace: stunner}]
                  rules: [{backendRefs: [{name: sfu}]}]
                """);
        RenderedGateway rg = renderOnly(yaml);
        assertEquals(List.of(), rg.config().listeners().get(0).routes());
        assertEquals(List.of(), rg.config().clusters());
        assertWarning(rg, "udproute media/r: spec.parentRefs[0] stunner/gw: namespace \"media\" is not allowed by listener"
                + " \"udp-listener\" (allowedRoutes.namespaces.from: Same) of gateway stunner/gw; not attached");
    }

    @Test
    void danglingParentRefIsReported() throws ConfigException {
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER)
                + route("r", "{name: sfu}").replace("{name: gw}", "{name: gw-typo}")));
        assertEquals(List.of(), rg.config().clusters());
        assertWarning(rg, "udproute stunner/r: spec.parentRefs[0] gw-typo: no Gateway stunner/gw-typo in the input"
                + " (dangling parentRef; not attached there)");
    }

    // ---- listeners --------------------------------------------------------------------------------------

    @Test
    void invalidProtocolsAreSkippedAliasesAcceptedAndPortConflictsResolvedInOrder() throws ConfigException {
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", """
                - {name: a, port: 3478, protocol: UDP}
                - {name: b, port: 3478, protocol: TURN-DTLS}
                - {name: c, port: 3478, protocol: TCP}
                - {name: d, port: 3478, protocol: TURN-UDP}
                - {name: e, port: 80, protocol: HTTP}
                """)));
        List<ListenerConfig> ls = rg.config().listeners();
        assertEquals(List.of("stunner/gw/a", "stunner/gw/c"), ls.stream().map(ListenerConfig::name).sorted().toList());
        assertEquals(ListenerProtocol.TURN_UDP, listener(rg.config(), "stunner/gw/a").protocol());
        assertEquals(ListenerProtocol.TURN_TCP, listener(rg.config(), "stunner/gw/c").protocol());
        assertWarning(rg, "gateway stunner/gw: listener \"b\": port 3478/UDP is already used by listener \"a\"; listener"
                + " not rendered (Conflicted)");
        assertWarning(rg, "gateway stunner/gw: listener \"d\": port 3478/UDP is already used by listener \"a\"; listener"
                + " not rendered (Conflicted)");
        assertWarning(rg, "gateway stunner/gw: listener \"e\": protocol \"HTTP\" (expected: TURN-UDP, TURN-TCP, TURN-TLS,"
                + " TURN-DTLS, UDP, TCP, TLS, DTLS); listener not rendered (InvalidProtocol)");
    }

    @Test
    void tlsListenerTakesBase64CertificateFromTheSecret() throws ConfigException {
        String pemCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        String pemKey = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", """
                - name: tls
                  port: 443
                  protocol: TURN-TLS
                  tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: missing}, {name: cert}]}
                - name: dtls
                  port: 443
                  protocol: TURN-DTLS
                  tls: {certificateRefs: [{name: nothere}]}
                """) + "apiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: stunner}\ntype: kubernetes.io/tls\n"
                + "data:\n  tls.crt: " + b64(pemCert) + "\n  tls.key: " + b64(pemKey) + "\n"));
        ListenerConfig tls = listener(rg.config(), "stunner/gw/tls");
        assertEquals(ListenerProtocol.TURN_TLS, tls.protocol());
        assertEquals(pemCert, new String(Base64.getDecoder().decode(tls.cert()), StandardCharsets.UTF_8));
        assertEquals(pemKey, new String(Base64.getDecoder().decode(tls.key()), StandardCharsets.UTF_8));
        assertTrue(rg.config().listener("stunner/gw/dtls").isEmpty());
        assertWarning(rg, "gateway stunner/gw: listener \"dtls\": no usable TLS certificate (expected: a Secret with tls.crt"
                + " and tls.key); listener not rendered");
        assertWarning(rg, "gateway stunner/gw: listener \"tls\": tls.certificateRefs[0] Secret stunner/missing not found in"
                + " the input; skipped");
        for (String w : rg.warnings()) {
            assertFalse(w.contains("MIIE"), "no key material in warnings");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publicAddressFromSpecAddressesOrLoadBalancerStatusAndTargetPortAnnotation() throws ConfigException {
        String yaml = withClass(STATIC_AUTH, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: gw
                  namespace: stunner
                  annotations: {stunner.l7mp.io/targetport: '"udp-listener":30478'}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  addresses: [{type: IPAddress, value: 203.0.113.10}]
                  listeners: [{name: udp-listener, port: 3478, protocol: TURN-UDP}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: lb, namespace: stunner}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners: [{name: udp-listener, port: 3478, protocol: TURN-UDP}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lb, namespace: stunner}
                spec:
                  type: LoadBalancer
                  ports: [{name: udp-listener, port: 3478, protocol: UDP}]
                status:
                  loadBalancer:
                    ingress: [{hostname: lb.example.com}]
                """);
        GatewayResources res = parse(yaml);
        StunnerConfig gw = renderer.render(res, "stunner", "gw");
        ListenerConfig l = gw.listeners().get(0);
        assertEquals("203.0.113.10", l.publicAddress());
        assertEquals(3478, l.publicPort());
        assertEquals(30478, l.port(), "targetport annotation sets the dataplane port");
        assertEquals("10.244.0.5", l.address());
        ListenerConfig lb = renderer.render(res, "stunner", "lb").listeners().get(0);
        assertEquals("lb.example.com", lb.publicAddress());
        assertEquals(3478, lb.publicPort());
        assertEquals(3478, lb.port());
    }

    @Test
    void theGatewaysServiceIsFoundByAnnotationAndOwnerReferenceNotByName() throws ConfigException {
        String gw = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: stunner, uid: 11111111-0000-0000-0000-000000000001}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners: [{name: udp-listener, port: 3478, protocol: TURN-UDP}]
                ---
                """;
        String owned = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                  namespace: stunner
                  annotations: {stunner.l7mp.io/related-gateway-name: stunner/gw}
                  ownerReferences: [{apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: gw, uid: %s}]
                spec:
                  type: LoadBalancer
                  ports: [{name: udp-listener, protocol: UDP, port: 3478}]
                status: {loadBalancer: {ingress: [{ip: %s}]}}
                ---
                """;
        String yaml = withClass(STATIC_AUTH, gw
                + owned.formatted("gw", "22222222-0000-0000-0000-000000000002", "198.51.100.1")
                + owned.formatted("gw-public", "11111111-0000-0000-0000-000000000001", "203.0.113.9"));
        RenderedGateway rg = renderOnly(yaml);
        ListenerConfig l = rg.config().listeners().get(0);
        assertEquals("203.0.113.9", l.publicAddress(), "the owned Service, not the one named like the Gateway whose"
                + " owner reference is to an earlier Gateway of the same name");
        assertEquals(3478, l.publicPort());

        RenderedGateway adopted = renderOnly(withClass(STATIC_AUTH, gw + """
                apiVersion: v1
                kind: Service
                metadata: {name: gw, namespace: stunner}
                spec:
                  type: LoadBalancer
                  ports: [{name: udp-listener, protocol: UDP, port: 3478}]
                status: {loadBalancer: {ingress: [{ip: 198.51.100.1}]}}
                """));
        assertEquals("198.51.100.1", adopted.config().listeners().get(0).publicAddress());
        assertWarning(adopted, "gateway stunner/gw: service stunner/gw is not annotated"
                + " stunner.l7mp.io/related-gateway-name: stunner/gw and owned by the Gateway; the operator adopts the"
                + " Service named like the Gateway, so it is taken as the Gateway's Service");
    }

    @Test
    void listenerWithoutServicePortOrAddressSaysWhy() throws ConfigException {
        RenderedGateway rg = renderOnly(withClass(STATIC_AUTH, gateway("gw", """
                - {name: udp, port: 3478, protocol: TURN-UDP}
                - {name: tcp, port: 3479, protocol: TURN-TCP}
                """) + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: gw
                  namespace: stunner
                  annotations: {stunner.l7mp.io/related-gateway-name: stunner/gw}
                  ownerReferences: [{apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: gw}]
                spec:
                  type: NodePort
                  ports: [{name: udp, protocol: UDP, port: 3478, nodePort: 31478}]
                """));
        assertWarning(rg, "gateway stunner/gw: listener \"udp\": no public address: service stunner/gw (type NodePort) has"
                + " no load-balancer address and no Node in the input has an ExternalIP or ExternalDNS address;"
                + " public_address/public_port omitted");
        assertWarning(rg, "gateway stunner/gw: listener \"tcp\": no public address: service stunner/gw has no port"
                + " 3479/TCP (the operator exposes only the first listener's protocol unless"
                + " stunner.l7mp.io/enable-mixed-protocol-lb: \"true\"); public_address/public_port omitted");
    }

    // ---- admin and auth ---------------------------------------------------------------------------------

    @Test
    void dataplaneControlsMetricsAndHealthEndpoints() throws ConfigException {
        String dp = "apiVersion: stunner.l7mp.io/v1\nkind: Dataplane\nmetadata: {name: default}\n"
                + "spec: {image: x, enableMetricsEndpoint: true, disableHealthCheck: true}\n---\n";
        StunnerConfig c = renderOnly(withClass(STATIC_AUTH + "userQuota: 10\nlogLevel: all:DEBUG\n",
                gateway("gw", UDP_LISTENER) + dp)).config();
        assertEquals("http://:8080/metrics", c.admin().metricsEndpoint());
        assertEquals("", c.admin().healthCheckEndpoint(), "disableHealthCheck renders an explicit empty endpoint");
        assertEquals(10, c.admin().userQuota());
        assertEquals("all:DEBUG", c.admin().logLevel());
        assertEquals("stunner/gw", c.admin().name());
    }

    @Test
    void authRefSecretOverridesInlineCredentials() throws ConfigException {
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata: {name: auth, namespace: stunner}
                type: Opaque
                stringData: {type: static, username: alice, password: 'pa$$word'}
                ---
                """;
        StunnerConfig c = renderOnly(withClass(STATIC_AUTH + "authRef: {name: auth}\n", gateway("gw", UDP_LISTENER) + secret))
                .config();
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals(Map.of("username", "alice", "password", "pa$$word"), c.auth().credentials());
        assertEquals("stunner.l7mp.io", c.auth().realm());
    }

    @Test
    void authRefSecretWithEphemeralTypeAndLongFormKey() throws ConfigException {
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata: {name: auth, namespace: secrets}
                data: {type: ZXBoZW1lcmFs, sharedSecret: czNjcjN0}
                ---
                """;
        StunnerConfig c = renderOnly(withClass("realm: turn.example.com\nauthRef: {name: auth, namespace: secrets}\n",
                gateway("gw", UDP_LISTENER) + secret)).config();
        assertEquals(AuthType.EPHEMERAL, c.auth().type());
        assertEquals(Map.of("secret", "s3cr3t"), c.auth().credentials());
        assertEquals("turn.example.com", c.auth().realm());
    }

    @Test
    void inlineEphemeralAuthAliases() throws ConfigException {
        for (String t : List.of("ephemeral", "timewindowed", "longterm")) {
            StunnerConfig c = renderOnly(withClass("authType: " + t + "\nsharedSecret: my-secret\n",
                    gateway("gw", UDP_LISTENER))).config();
            assertEquals(AuthType.EPHEMERAL, c.auth().type(), t);
            assertEquals(Map.of("secret", "my-secret"), c.auth().credentials(), t);
        }
    }

    @Test
    void missingCredentialsAreProblemsNamingTheGatewayConfig() throws ConfigException {
        assertRenderProblem(withClass("userName: user-1\n", gateway("gw", UDP_LISTENER)),
                "x.yaml (document 2): gatewayconfig stunner/cfg: spec.password missing (expected: userName and password"
                        + " for authType plaintext, or an authRef Secret)");
        assertRenderProblem(withClass("authType: timewindowed\n", gateway("gw", UDP_LISTENER)),
                "x.yaml (document 2): gatewayconfig stunner/cfg: spec.sharedSecret missing (expected: sharedSecret for"
                        + " authType timewindowed, or an authRef Secret)");
        assertRenderProblem(withClass("authRef: {name: auth}\n", gateway("gw", UDP_LISTENER)),
                "x.yaml (document 2): gatewayconfig stunner/cfg: spec.authRef: Secret stunner/auth not found in the input"
                        + " (expected: a Secret with keys type, username and password, or type and secret)");
        assertRenderProblem(withClass("authRef: {name: auth}\n", gateway("gw", UDP_LISTENER)
                        + "apiVersion: v1\nkind: Secret\nmetadata: {name: auth, namespace: stunner}\n"
                        + "stringData: {type: plaintext, username: alice}\n"),
                "x.yaml (document 2): gatewayconfig stunner/cfg: spec.authRef: secret stunner/auth: password missing"
                        + " (expected: keys username and password for auth type plaintext)");
        assertRenderProblem(withClass("authRef: {name: auth}\n", gateway("gw", UDP_LISTENER)
                        + "apiVersion: v1\nkind: Secret\nmetadata: {name: auth, namespace: stunner}\n"
                        + "stringData: {type: oauth}\n"),
                "x.yaml (document 2): gatewayconfig stunner/cfg: spec.authRef: secret stunner/auth: type \"oauth\""
                        + " (expected: plaintext, static, ephemeral, timewindowed, longterm)");
    }

    private void assertRenderProblem(String yaml, String expected) throws ConfigException {
        GatewayResources res = parse(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> renderer.renderAll(res));
        assertEquals(List.of(expected), e.problems());
        ConfigException one = assertThrows(ConfigException.class, () -> renderer.render(res, "stunner", "gw"));
        assertEquals(List.of(expected), one.problems());
    }

    // ---- classes ----------------------------------------------------------------------------------------

    @Test
    void onlyAcceptedStunnerClassesRender() throws ConfigException {
        String foreign = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: envoy}
                spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: no-ns}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: cfg}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web, namespace: stunner}
                spec: {gatewayClassName: envoy, listeners: [{name: http, port: 80, protocol: HTTP}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: bad, namespace: stunner}
                spec: {gatewayClassName: no-ns, listeners: [{name: udp, port: 3478, protocol: UDP}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: orphan, namespace: stunner}
                spec: {gatewayClassName: missing, listeners: [{name: udp, port: 3478, protocol: UDP}]}
                ---
                """;
        GatewayResources res = parse(withClass(STATIC_AUTH, gateway("gw", UDP_LISTENER) + foreign));
        assertEquals(List.of("stunner/gw"), renderer.renderableGateways(res));
        assertEquals(List.of("stunner/gw"), renderer.renderAll(res).stream().map(RenderedGateway::gatewayKey).toList());
        assertEquals(List.of(
                "gateway stunner/bad: gatewayclass no-ns: spec.parametersRef namespace missing (expected: the"
                        + " GatewayConfig's namespace); class not accepted",
                "gateway stunner/orphan: spec.gatewayClassName \"missing\": no such GatewayClass in the input (expected: a"
                        + " GatewayClass with controllerName stunner.l7mp.io/gateway-operator)",
                "gateway stunner/web: gatewayclass envoy: controllerName \"gateway.envoyproxy.io/gatewayclass-controller\""
                        + " (expected: stunner.l7mp.io/gateway-operator); not a STUNner Gateway"),
                renderer.unrenderableGateways(res));
        ConfigException e = assertThrows(ConfigException.class, () -> renderer.render(res, "stunner", "web"));
        assertEquals(List.of("gateway stunner/web: gatewayclass envoy: controllerName"
                + " \"gateway.envoyproxy.io/gatewayclass-controller\" (expected: stunner.l7mp.io/gateway-operator); not a"
                + " STUNner Gateway"), e.problems());
        ConfigException missing = assertThrows(ConfigException.class, () -> renderer.render(res, "stunner", "nope"));
        assertEquals(List.of("gateway stunner/nope: not found in the input (expected: one of stunner/bad, stunner/gw,"
                + " stunner/orphan, stunner/web)"), missing.problems());
    }
}
