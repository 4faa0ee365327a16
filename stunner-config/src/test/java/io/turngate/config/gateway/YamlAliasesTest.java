package io.turngate.config.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlAliasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> read(String yaml) throws ConfigException {
        return YamlDocuments.read(yaml, "x.yaml");
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void textWithoutAliasesOrMergeKeysIsReturnedAsIs() throws Exception {
        String plain = "a: 1\nb: [x, y]\n";
        assertSame(plain, YamlAliases.expand(plain));
        String starInStrings = "host: '*.example.com'\npattern: \"a*b\"\n";
        assertSame(starInStrings, YamlAliases.expand(starInStrings), "a '*' inside a string is not an alias");
        String anchorOnly = "a: &x 1\n";
        assertSame(anchorOnly, YamlAliases.expand(anchorOnly));
    }

    @Test
    void aliasesAreReplacedByCopiesKeepingScalarTypes() throws Exception {
        List<JsonNode> docs = read("""
                defaults: &d {port: 3478, protocol: TURN-UDP, quoted: '3478', flag: true, none: , empty: ''}
                names: &n [a, b]
                scalar: &s hello
                copy: *d
                list: *n
                again: *s
                """);
        assertEquals(1, docs.size());
        JsonNode d = docs.get(0);
        assertEquals(d.get("defaults"), d.get("copy"));
        assertEquals(json("{\"port\":3478,\"protocol\":\"TURN-UDP\",\"quoted\":\"3478\",\"flag\":true,\"none\":null,"
                + "\"empty\":\"\"}"), d.get("copy"));
        assertTrue(d.get("copy").get("port").isInt(), "an aliased number stays a number");
        assertTrue(d.get("copy").get("quoted").isTextual(), "a quoted number stays a string");
        assertEquals(json("[\"a\",\"b\"]"), d.get("list"));
        assertEquals("hello", d.get("again").asText());
    }

    @Test
    void mergeKeysApplyWithExplicitKeysWinningAndEarlierMapsFirst() throws Exception {
        JsonNode d = read("""
                a: &a {x: 1, y: 1}
                b: &b {y: 2, z: 2}
                one:
                  <<: *a
                  x: 10
                two:
                  <<: [*b, *a]
                  w: 0
                quoted:
                  '<<': *a
                """).get(0);
        assertEquals(json("{\"x\":10,\"y\":1}"), d.get("one"));
        assertEquals(json("{\"w\":0,\"y\":2,\"z\":2,\"x\":1}"), d.get("two"));
        assertEquals(json("{\"<<\":{\"x\":1,\"y\":1}}"), d.get("quoted"), "a quoted '<<' is an ordinary key");
    }

    @Test
    void documentNumbersAndEmptyDocumentsArePreserved() throws Exception {
        List<JsonNode> docs = read("---\n---\nbase: &b {k: v}\nuse: *b\n---\n# only a comment\n---\nlast: 1\n");
        assertEquals(4, docs.size(), docs.toString());
        assertNull(docs.get(0));
        assertEquals(json("{\"base\":{\"k\":\"v\"},\"use\":{\"k\":\"v\"}}"), docs.get(1));
        assertNull(docs.get(2));
        assertEquals(json("{\"last\":1}"), docs.get(3));
    }

    @Test
    void undefinedAndRecursiveAliasesAndMalformedYamlAreProblems() {
        String expected = " (expected: every alias *name after an anchor &name in the same document, outside the node"
                + " it names)";
        ConfigException undefined = assertThrows(ConfigException.class,
                () -> read("base: &b {k: v}\n---\nuse: *b\n"));
        assertEquals(List.of("x.yaml: found undefined alias b at line 3, column 6" + expected), undefined.problems(),
                "anchors are document-local");
        ConfigException e = assertThrows(ConfigException.class, () -> read("a: &a [1, *a]\n"));
        assertEquals(List.of("x.yaml: recursive alias: a node contains an alias to itself" + expected), e.problems());
        ConfigException m = assertThrows(ConfigException.class, () -> read("a: *undefined\nb: [\n"));
        assertTrue(m.problems().get(0).startsWith("x.yaml (document 1): malformed YAML"), m.problems().toString());
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 9; k++) {
                y.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> read(y.toString()));
        assertTrue(e.problems().get(0).contains("aliases"), e.problems().toString());
    }

    @Test
    void manifestsWithAnchorsRenderLikeTheirExpandedForm() throws ConfigException {
        GatewayResources r = GatewayResources.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: &meta
                  name: gw
                  namespace: stunner
                  annotations: {stunner.l7mp.io/service-type: NodePort}
                spec:
                  gatewayClassName: stunner-gatewayclass
                  listeners:
                  - &udp {name: udp, port: 3478, protocol: TURN-UDP}
                  - <<: *udp
                    name: udp2
                    port: 3479
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: r, namespace: stunner}
                spec:
                  parentRefs: &parents [{name: gw}]
                  rules: [{backendRefs: [{name: media}]}]
                """, "x.yaml");
        Gateway gw = r.gateway("stunner", "gw").orElseThrow();
        assertEquals(List.of(new Gateway.Listener("udp", 3478, "TURN-UDP", null, null),
                new Gateway.Listener("udp2", 3479, "TURN-UDP", null, null)), gw.listeners());
        assertEquals("NodePort", gw.metadata().annotations().get("stunner.l7mp.io/service-type"));
        assertEquals("gw", r.udpRoutes().get(0).parentRefs().get(0).name());
    }
}
