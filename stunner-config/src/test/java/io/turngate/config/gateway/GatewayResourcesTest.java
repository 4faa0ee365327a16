package io.turngate.config.gateway;

import io.turngate.config.Samples;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayResourcesTest extends GatewayResourcesFixtureCases {
    @Override
    Path stunnerFixtures() {
        return Samples.stunner();
    }

    private static List<String> problems(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayResources.parse(yaml, "x.yaml"));
        return e.problems();
    }

    private static void assertProblem(String expected, String yaml) {
        assertEquals(List.of(expected), problems(yaml));
    }

    // ---- documents, directories, lists ------------------------------------------------------------------

    @Test
    void directoryIsReadInNameOrderAndLaterObjectsReplaceEarlierOnes(@TempDir Path dir) throws Exception {
        write(dir.resolve("b.yml"), svc("10.0.0.2"));
        write(dir.resolve("a.yaml"), svc("10.0.0.1"));
        write(dir.resolve("notes.txt"), "not: a manifest\n");
        write(dir.resolve(".hidden.yaml"), "garbage: [\n");
        Files.createDirectory(dir.resolve("sub.yaml"));
        GatewayResources r = GatewayResources.load(dir);
        assertEquals(1, r.services().size());
        assertEquals("10.0.0.2", r.services().get(0).clusterIP(), "b.yml sorts after a.yaml and wins");
        assertEquals(List.of(dir.resolve("b.yml") + " (document 1): service default/s replaces the one from "
                + dir.resolve("a.yaml") + " (document 1)"), r.warnings());
    }

    private static String svc(String ip) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: " + ip + "}\n";
    }

    @Test
    void listKindAndEmptyDocumentsAreHandled() throws ConfigException {
        String yaml = "---\n---\napiVersion: v1\nkind: List\nitems:\n"
                + "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: team-a, labels: {tier: media}}\n"
                + "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n";
        GatewayResources r = GatewayResources.parse(yaml, "x.yaml");
        assertEquals(1, r.namespaces().size());
        assertEquals("media", r.namespace("team-a").orElseThrow().metadata().labels().get("tier"));
        assertEquals("x.yaml (document 2, items[0])", r.namespaces().get(0).origin().toString());
    }

    @Test
    void jsonWithTabIndentationIsAccepted() throws ConfigException {
        String json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Namespace\",\n\t\"metadata\": {\"name\": \"n\"}\n}\n";
        assertEquals(1, GatewayResources.parse(json, "x.json").namespaces().size());
    }

    @Test
    void v1alpha2RouteIsConvertedPortDroppedAndMaskedByStunnerV1Route() throws ConfigException {
        String yaml = "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: UDPRoute\nmetadata: {name: r, namespace: n}\n"
                + "spec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: media, port: 9000}]\n";
        GatewayResources alone = GatewayResources.parse(yaml, "x.yaml");
        UdpRoute r = alone.udpRoutes().get(0);
        assertTrue(r.isGatewayApiV1alpha2());
        assertNull(r.rules().get(0).backendRefs().get(0).port(), "v1alpha2 port is dropped");
        assertEquals(List.of("x.yaml (document 1): udproute n/r: spec.rules[0].backendRefs[0].port 9000 dropped:"
                + " gateway.networking.k8s.io/v1alpha2 routes allow every peer port in STUNner (use stunner.l7mp.io/v1"
                + " port/endPort to restrict ports)"), alone.warnings());

        String v1 = "---\napiVersion: stunner.l7mp.io/v1\nkind: UDPRoute\nmetadata: {name: r, namespace: n}\n"
                + "spec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: media, port: 5000}]\n";
        GatewayResources both = GatewayResources.parse(yaml + v1, "x.yaml");
        assertEquals(1, both.udpRoutes().size());
        assertEquals(Integer.valueOf(5000), both.udpRoutes().get(0).rules().get(0).backendRefs().get(0).port());
        assertEquals("x.yaml (document 1): udproute n/r (gateway.networking.k8s.io/v1alpha2) is masked by the"
                + " stunner.l7mp.io/v1 UDPRoute of the same name; ignored", both.warnings().get(1));
    }

    @Test
    void gatewayApiV1UdpRouteIsIgnoredWithAWarning() throws ConfigException {
        GatewayResources r = GatewayResources.parse("apiVersion: gateway.networking.k8s.io/v1\nkind: UDPRoute\n"
                + "metadata: {name: r, namespace: n}\nspec: {parentRefs: [{name: gw}]}\n", "x.yaml");
        assertEquals(0, r.udpRoutes().size());
        assertEquals(List.of("x.yaml (document 1): udproute n/r: apiVersion \"gateway.networking.k8s.io/v1\" is not"
                + " watched by the STUNner operator; route ignored (expected: stunner.l7mp.io/v1 or"
                + " gateway.networking.k8s.io/v1alpha2)"), r.warnings());
    }

    @Test
    void secretMergesBase64DataAndStringDataAndHidesValues() throws ConfigException {
        GatewayResources r = GatewayResources.parse("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\n"
                + "type: Opaque\ndata:\n  username: dXNlcg==\n  password: b2xk\nstringData:\n  password: s3cr$t\n", "x.yaml");
        Secret s = r.secret("n", "s").orElseThrow();
        assertEquals("user", s.string("username"));
        assertEquals("s3cr$t", s.string("password"), "stringData wins over data");
        assertArrayEquals("user".getBytes(StandardCharsets.UTF_8), s.value("username"));
        assertFalse(s.toString().contains("s3cr"), s.toString());
    }

    @Test
    void foreignKindsOfTheSameNameAreSkipped() throws ConfigException {
        GatewayResources r = GatewayResources.parse("apiVersion: networking.istio.io/v1beta1\nkind: Gateway\n"
                + "metadata: {name: istio}\nspec: {servers: []}\n---\napiVersion: serving.knative.dev/v1\nkind: Service\n"
                + "metadata: {}\nspec: {template: {}}\n---\napiVersion: apps/v1\nkind: Deployment\nspec: {}\n", "x.yaml");
        assertEquals(0, r.size(), "foreign kinds are skipped even when their metadata would be invalid for us");
    }

    // ---- bad input: exact messages ----------------------------------------------------------------------

    @Test
    void unknownApiVersionOfAKnownKindIsAProblem() {
        assertProblem("x.yaml (document 1): udproute cloudretro/x: apiVersion \"foo/v9\" (expected: stunner.l7mp.io/v1"
                        + " or gateway.networking.k8s.io/v1alpha2)",
                "apiVersion: foo/v9\nkind: UDPRoute\nmetadata: {name: x, namespace: cloudretro}\nspec: {}\n");
        assertProblem("x.yaml (document 1): gateway stunner/g: apiVersion \"gateway.networking.k8s.io/v1alpha2\""
                        + " (expected: gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1)",
                "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: Gateway\nmetadata: {name: g, namespace: stunner}\n"
                        + "spec: {gatewayClassName: c, listeners: [{name: l, port: 3478, protocol: TURN-UDP}]}\n");
        assertProblem("x.yaml (document 1): service default/s: apiVersion \"v2\" (expected: v1)",
                "apiVersion: v2\nkind: Service\nmetadata: {name: s}\n");
    }

    @Test
    void malformedYamlNamesFileDocumentLineAndColumn() {
        List<String> ps = problems("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\n"
                + "kind: Namespace\nmetadata:\n  name: b\n   bad: indent\n");
        assertEquals(1, ps.size());
        assertTrue(ps.get(0).startsWith("x.yaml (document 2): malformed YAML at line 9, column "), ps.get(0));
        assertTrue(ps.get(0).endsWith("(expected: well-formed YAML or JSON)"), ps.get(0));
    }

    @Test
    void fieldTypeErrorsNameTheFieldPath() {
        assertProblem("x.yaml (document 1): gateway stunner/g: spec.listeners[1].port \"abc\" (expected: integer 1..65535)",
                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: stunner}\n"
                        + "spec:\n  gatewayClassName: c\n  listeners:\n  - {name: a, port: 3478, protocol: TURN-UDP}\n"
                        + "  - {name: b, port: abc, protocol: TURN-TCP}\n");
        assertProblem("x.yaml (document 1): gateway stunner/g: spec.listeners[0].port 70000 (expected: integer 1..65535)",
                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: stunner}\n"
                        + "spec:\n  gatewayClassName: c\n  listeners:\n  - {name: a, port: 70000, protocol: TURN-UDP}\n");
        assertProblem("x.yaml (document 1): udproute n/r: spec.rules[0].backendRefs[0].endPort \"9000\" (expected: integer)",
                "apiVersion: stunner.l7mp.io/v1\nkind: UDPRoute\nmetadata: {name: r, namespace: n}\n"
                        + "spec:\n  rules:\n  - backendRefs: [{name: m, port: 8000, endPort: \"9000\"}]\n");
        assertProblem("x.yaml (document 1): gateway n/g: spec.listeners[0].allowedRoutes.namespaces.from \"Others\""
                        + " (expected: Same, All, Selector)",
                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: n}\nspec:\n"
                        + "  gatewayClassName: c\n  listeners:\n  - name: a\n    port: 1\n    protocol: UDP\n"
                        + "    allowedRoutes: {namespaces: {from: Others}}\n");
        assertProblem("x.yaml (document 1): gatewayconfig n/c: spec.authType \"oauth\" (expected: plaintext, static,"
                        + " longterm, ephemeral, timewindowed)",
                "apiVersion: stunner.l7mp.io/v1\nkind: GatewayConfig\nmetadata: {name: c, namespace: n}\nspec: {authType: oauth}\n");
    }

    @Test
    void missingRequiredFieldsAreProblems() {
        assertProblem("x.yaml (document 1): gatewayclass <unnamed>: metadata.name missing (expected: non-empty string)",
                "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {}\n"
                        + "spec: {controllerName: stunner.l7mp.io/gateway-operator}\n");
        assertProblem("x.yaml (document 1): gateway n/g: spec.listeners missing (expected: non-empty list)",
                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: n}\n"
                        + "spec: {gatewayClassName: c}\n");
        assertProblem("x.yaml (document 1): udproute n/r: spec.parentRefs[0].name missing (expected: non-empty string)",
                "apiVersion: stunner.l7mp.io/v1\nkind: UDPRoute\nmetadata: {name: r, namespace: n}\n"
                        + "spec: {parentRefs: [{sectionName: l}]}\n");
        assertProblem("x.yaml (document 1): staticservice n/s: spec.prefixes missing (expected: list of IP prefixes)",
                "apiVersion: stunner.l7mp.io/v1\nkind: StaticService\nmetadata: {name: s, namespace: n}\nspec: {}\n");
    }

    @Test
    void badValuesAreProblemsWithoutEchoingSecrets() {
        assertProblem("x.yaml (document 1): staticservice n/s: spec.prefixes[1] \"10.0.0.0/33\" (expected: IP or IP"
                        + " prefix, ip[/len][:<lo-hi>])",
                "apiVersion: stunner.l7mp.io/v1\nkind: StaticService\nmetadata: {name: s, namespace: n}\n"
                        + "spec: {prefixes: [0.0.0.0/0, 10.0.0.0/33]}\n");
        assertProblem("x.yaml (document 1): secret n/s: data[\"password\"] not valid base64 (expected: base64 string;"
                        + " use stringData for plain text)",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\ndata: {password: 'hunter2!'}\n");
        assertProblem("x.yaml (document 1): gatewayconfig n/c: spec.password a number (expected: string; quote it in YAML)",
                "apiVersion: stunner.l7mp.io/v1\nkind: GatewayConfig\nmetadata: {name: c, namespace: n}\n"
                        + "spec: {userName: u, password: 123456}\n");
    }

    @Test
    void nonObjectsAndStunnerdConfigsAreProblems() {
        assertProblem("x.yaml (document 1): document is a list (expected: a Kubernetes object with apiVersion and kind)",
                "- a\n- b\n");
        assertProblem("x.yaml (document 1): top-level \"version\" key: a stunnerd dataplane config, not a Kubernetes"
                        + " object (expected: a Kubernetes object with apiVersion and kind; load a stunnerd config on its own)",
                "version: v1\nadmin: {name: x}\n");
        assertProblem("x.yaml (document 1): kind missing (expected: a Kubernetes object with apiVersion and kind)",
                "apiVersion: v1\nmetadata: {name: x}\n");
    }

    @Test
    void allProblemsOfAllFilesAreCollected(@TempDir Path dir) throws IOException {
        write(dir.resolve("a.yaml"), "apiVersion: foo/v9\nkind: UDPRoute\nmetadata: {name: x, namespace: cloudretro}\n"
                + "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: n}\n"
                + "spec: {listeners: [{name: l, port: 0, protocol: UDP}]}\n");
        write(dir.resolve("b.yaml"), "key: [unclosed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayResources.load(dir, dir.resolve("missing.yaml")));
        List<String> ps = e.problems();
        assertEquals(5, ps.size(), ps.toString());
        assertEquals(dir.resolve("a.yaml") + " (document 1): udproute cloudretro/x: apiVersion \"foo/v9\" (expected:"
                + " stunner.l7mp.io/v1 or gateway.networking.k8s.io/v1alpha2)", ps.get(0));
        assertEquals(dir.resolve("a.yaml") + " (document 2): gateway n/g: spec.gatewayClassName missing (expected:"
                + " non-empty string)", ps.get(1));
        assertEquals(dir.resolve("a.yaml") + " (document 2): gateway n/g: spec.listeners[0].port 0 (expected: integer"
                + " 1..65535)", ps.get(2));
        assertTrue(ps.get(3).startsWith(dir.resolve("b.yaml") + " (document 1): malformed YAML at line "), ps.get(3));
        assertEquals(dir.resolve("missing.yaml") + ": no such file or directory (expected: a manifest file or directory)",
                ps.get(4));
    }

    @Test
    void labelSelectorMatchesLabelsAndExpressions() {
        LabelSelector s = new LabelSelector(java.util.Map.of("tier", "media"), List.of(
                new LabelSelector.Requirement("env", "In", List.of("prod", "stage")),
                new LabelSelector.Requirement("legacy", "DoesNotExist", List.of())));
        assertTrue(s.matches(java.util.Map.of("tier", "media", "env", "prod")));
        assertFalse(s.matches(java.util.Map.of("tier", "media", "env", "dev")));
        assertFalse(s.matches(java.util.Map.of("tier", "media", "env", "prod", "legacy", "yes")));
        assertFalse(s.matches(java.util.Map.of("env", "prod")));
        assertTrue(new LabelSelector(null, null).matches(java.util.Map.of()), "empty selector matches everything");
    }

    // ---- what the public address needs: owners, Service status, Nodes -------------------------------------

    @Test
    void serviceStatusPortsNodePortsOwnerReferencesAndNodesAreRead() throws ConfigException {
        GatewayResources r = GatewayResources.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: stunner, uid: 6f1c0d2e-aaaa-bbbb-cccc-000000000001}
                spec:
                  gatewayClassName: c
                  listeners: [{name: udp, port: 3478, protocol: TURN-UDP}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: gw
                  namespace: stunner
                  annotations: {stunner.l7mp.io/related-gateway-name: stunner/gw}
                  ownerReferences:
                  - {apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: gw, uid: 6f1c0d2e-aaaa-bbbb-cccc-000000000001}
                spec:
                  type: LoadBalancer
                  ports: [{name: udp, protocol: UDP, port: 3478, nodePort: 31478}, {name: tcp, port: 3479}]
                status:
                  loadBalancer:
                    ingress:
                    - {ip: 203.0.113.7, ports: [{port: 3478, protocol: UDP}]}
                    - {hostname: lb.example.com}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  addresses: [{type: InternalIP, address: 10.0.0.1}, {type: ExternalDNS, address: n1.example.com}]
                """, "x.yaml");
        Service svc = r.service("stunner", "gw").orElseThrow();
        assertEquals(List.of(new Service.Port("udp", "UDP", 3478, 31478), new Service.Port("tcp", "TCP", 3479)),
                svc.ports());
        assertEquals(List.of(new Service.Ingress("203.0.113.7", null, List.of(new Service.PortStatus(3478, "UDP"))),
                new Service.Ingress(null, "lb.example.com", List.of())), svc.ingress());
        assertEquals("stunner/gw", svc.metadata().annotations().get(Service.ANNOTATION_RELATED_GATEWAY));
        Gateway gw = r.gateway("stunner", "gw").orElseThrow();
        assertEquals("6f1c0d2e-aaaa-bbbb-cccc-000000000001", gw.metadata().uid());
        assertTrue(svc.metadata().isOwnedBy("Gateway", gw.metadata()));
        assertFalse(svc.metadata().isOwnedBy("Deployment", gw.metadata()));
        ObjectMeta recreated = new ObjectMeta("gw", "stunner", null, null, "6f1c0d2e-aaaa-bbbb-cccc-000000000002", null);
        assertFalse(svc.metadata().isOwnedBy("Gateway", recreated), "an owner with another uid is another object");
        assertTrue(svc.metadata().isOwnedBy("Gateway", new ObjectMeta("gw", "stunner", null, null)),
                "no uid in the input: kind and name decide");

        assertEquals(1, r.nodes().size());
        Node n = r.nodes().get(0);
        assertEquals("n1", n.key(), "Nodes are cluster-scoped");
        assertEquals("n1.example.com", n.externalAddress(), "ExternalDNS when there is no ExternalIP");
        assertEquals("10.0.0.2", new Node("v1", n.metadata(), List.of(new Node.Address("ExternalDNS", "x"),
                new Node.Address("ExternalIP", "10.0.0.2")), n.origin()).externalAddress(), "ExternalIP first");
    }

    @Test
    void gatewayConfigLoadBalancerServiceAnnotationsAreRead() throws ConfigException {
        GatewayResources r = GatewayResources.parse("""
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: cfg, namespace: stunner}
                spec:
                  loadBalancerServiceAnnotations: {stunner.l7mp.io/service-type: NodePort}
                """, "x.yaml");
        assertEquals(java.util.Map.of("stunner.l7mp.io/service-type", "NodePort"),
                r.gatewayConfig("stunner", "cfg").orElseThrow().loadBalancerServiceAnnotations());
    }

    @Test
    void malformedOwnerReferencesAndNodeAddressesAreProblems() {
        assertEquals(List.of(
                "x.yaml (document 1): service default/s: metadata.ownerReferences[0].name missing (expected: non-empty string)",
                "x.yaml (document 2): node n: status.addresses[0].address missing (expected: non-empty string)"),
                problems("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: s, ownerReferences: [{kind: Gateway}]}
                        ---
                        apiVersion: v1
                        kind: Node
                        metadata: {name: n}
                        status: {addresses: [{type: ExternalIP}]}
                        """));
    }

    static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
