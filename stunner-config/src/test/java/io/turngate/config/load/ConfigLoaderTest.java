package io.turngate.config.load;

import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    /** Smallest valid config. */
    private static final String MINIMAL = """
            version: v1
            auth:
              credentials: {username: u, password: p}
            """;

    private static StunnerConfig parse(String text) throws ConfigException {
        return ConfigLoader.parse(text, Map.of());
    }

    private static StunnerConfig parse(String text, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(text, env);
    }

    private static List<String> problems(String text) {
        return problems(text, Map.of());
    }

    private static List<String> problems(String text, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(text, env));
        assertTrue(e.getMessage().startsWith("invalid config: "), e.getMessage());
        return e.problems();
    }

    /** A config with one listener whose body is given (indented under "- "). */
    private static String withListeners(String listeners) {
        return MINIMAL + "listeners:\n" + listeners;
    }

    private static String withClusters(String clusters) {
        return MINIMAL + "clusters:\n" + clusters;
    }

    // ---- defaults ----------------------------------------------------------------------------------------

    @Test
    void minimalConfigGetsStunnerdDefaults() throws Exception {
        StunnerConfig c = parse(MINIMAL);
        assertEquals("v1", c.version());
        assertEquals(new AdminConfig("default-stunnerd", "all:INFO", "", "http://:8086", 0, "None", List.of()), c.admin());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals("stunner.l7mp.io", c.auth().realm());
        assertEquals(Map.of("username", "u", "password", "p"), c.auth().credentials());
        assertEquals(List.of(), c.listeners());
        assertEquals(List.of(), c.clusters());
    }

    @Test
    void anchorsAliasesAndMergeKeysAreResolved() throws Exception {
        StunnerConfig c = parse("""
                version: v1
                auth:
                  credentials: {username: u, password: p}
                listeners:
                - &udp {name: udp, protocol: TURN-UDP, port: 3478, routes: &routes [media]}
                - <<: *udp
                  name: tcp
                  protocol: TURN-TCP
                - {name: udp2, port: 3479, routes: *routes}
                clusters:
                - {name: media, endpoints: [10.0.0.0/8]}
                """);
        assertEquals(List.of("tcp", "udp", "udp2"), c.listeners().stream().map(ListenerConfig::name).sorted().toList());
        ListenerConfig tcp = c.listener("tcp").orElseThrow();
        assertEquals(ListenerProtocol.TURN_TCP, tcp.protocol());
        assertEquals(3478, tcp.port());
        assertEquals(List.of("media"), tcp.routes());
        assertEquals(List.of("media"), c.listener("udp2").orElseThrow().routes());
    }

    @Test
    void listenerAndClusterDefaults() throws Exception {
        StunnerConfig c = parse(MINIMAL + """
                listeners:
                  - name: l
                clusters:
                  - name: c
                """);
        assertEquals(new ListenerConfig("l", ListenerProtocol.TURN_UDP, "", 0, "0.0.0.0", 3478, "", "", List.of()),
                c.listeners().get(0));
        assertEquals(new ClusterConfig("c", ClusterType.STATIC, ClusterProtocol.UDP, List.of()), c.clusters().get(0));
    }

    @Test
    void fullConfigIsReadFieldByField() throws Exception {
        StunnerConfig c = parse("""
                version: v1
                admin:
                  name: stunner/udp-gateway
                  loglevel: all:INFO,turn:DEBUG
                  metrics_endpoint: http://:8080/metrics
                  healthcheck_endpoint: http://:8086
                  user_quota: 10
                  offload_engine: xdp
                  offload_interfaces: [eth1, eth0]
                auth:
                  type: ephemeral
                  realm: example.org
                  credentials: {secret: s3cr3t, extra: kept}
                listeners:
                  - name: stunner/tls-gateway/tls-listener
                    protocol: TURN-TLS
                    public_address: gw.example.org
                    public_port: 443
                    address: 10.0.0.5
                    port: 443
                    cert: Y2VydA==
                    key: a2V5
                    routes: [b, a]
                clusters:
                  - name: stunner/dns
                    type: strict_dns
                    protocol: tcp
                    endpoints: [media.default.svc.cluster.local, a.example.org.]
                """);
        assertEquals(new AdminConfig("stunner/udp-gateway", "all:INFO,turn:DEBUG", "http://:8080/metrics",
                "http://:8086", 10, "XDP", List.of("eth0", "eth1")), c.admin());
        assertEquals(AuthType.EPHEMERAL, c.auth().type());
        assertEquals("example.org", c.auth().realm());
        assertEquals(Map.of("secret", "s3cr3t", "extra", "kept"), c.auth().credentials());
        assertEquals(new ListenerConfig("stunner/tls-gateway/tls-listener", ListenerProtocol.TURN_TLS, "gw.example.org",
                443, "10.0.0.5", 443, "Y2VydA==", "a2V5", List.of("a", "b")), c.listeners().get(0));
        assertEquals(new ClusterConfig("stunner/dns", ClusterType.STRICT_DNS, ClusterProtocol.TCP,
                List.of("a.example.org.", "media.default.svc.cluster.local")), c.clusters().get(0));
    }

    @Test
    void healthCheckEndpointAbsentNullAndEmptyDiffer() throws Exception {
        assertEquals("http://:8086", parse(MINIMAL).admin().healthCheckEndpoint());
        assertEquals("http://:8086", parse(MINIMAL + "admin:\n  healthcheck_endpoint:\n").admin().healthCheckEndpoint());
        assertEquals("", parse(MINIMAL + "admin:\n  healthcheck_endpoint: \"\"\n").admin().healthCheckEndpoint());
        assertTrue(parse(MINIMAL + "admin:\n  healthcheck_endpoint: \"\"\n").admin().healthCheckHttpEndpoint().isEmpty());
        assertEquals("http://127.0.0.1:9999",
                parse(MINIMAL + "admin:\n  healthcheck_endpoint: http://127.0.0.1:9999\n").admin().healthCheckEndpoint());
    }

    @Test
    void negativeUserQuotaIsClampedToZero() throws Exception {
        assertEquals(0, parse(MINIMAL + "admin:\n  user_quota: -5\n").admin().userQuota());
    }

    @Test
    void portZeroMeansDefault() throws Exception {
        assertEquals(3478, parse(withListeners("  - {name: l, port: 0}\n")).listeners().get(0).port());
    }

    // ---- aliases and normalisation -----------------------------------------------------------------------

    @ParameterizedTest(name = "protocol {0}")
    @CsvSource({"udp,TURN_UDP", "UDP,TURN_UDP", "turn-udp,TURN_UDP", "TURN-UDP,TURN_UDP", "tcp,TURN_TCP",
            "Turn-Tcp,TURN_TCP", "tls,TURN_TLS", "TURN-TLS,TURN_TLS", "dtls,TURN_DTLS", "turn-dtls,TURN_DTLS"})
    void listenerProtocolAliases(String alias, ListenerProtocol expected) throws Exception {
        StunnerConfig c = parse(withListeners("  - {name: l, protocol: " + alias + ", cert: Yw==, key: aw==}\n"));
        assertEquals(expected, c.listeners().get(0).protocol());
    }

    @ParameterizedTest(name = "auth {0}")
    @CsvSource({"static,STATIC", "plaintext,STATIC", "ephemeral,EPHEMERAL", "longterm,EPHEMERAL", "none,NONE"})
    void authTypeAliases(String alias, AuthType expected) throws Exception {
        StunnerConfig c = parse("version: v1\nauth:\n  type: " + alias
                + "\n  credentials: {username: u, password: p, secret: s}\n");
        assertEquals(expected, c.auth().type());
    }

    @Test
    void authNoneNeedsNoCredentials() throws Exception {
        assertEquals(AuthType.NONE, parse("version: v1\nauth: {type: none}\n").auth().type());
    }

    @ParameterizedTest(name = "cluster {0}/{1}")
    @CsvSource({"static,udp,STATIC,UDP", "STATIC,UDP,STATIC,UDP", "strict_dns,TCP,STRICT_DNS,TCP",
            "Strict_DNS,tcp,STRICT_DNS,TCP"})
    void clusterTypeAndProtocolAliases(String type, String proto, ClusterType t, ClusterProtocol p) throws Exception {
        ClusterConfig c = parse(withClusters("  - {name: c, type: " + type + ", protocol: " + proto + "}\n")).clusters().get(0);
        assertEquals(t, c.type());
        assertEquals(p, c.protocol());
    }

    @ParameterizedTest(name = "offload {0}")
    @CsvSource({"none,None", "NONE,None", "xdp,XDP", "tc,TC", "TC,TC", "auto,Auto", "AUTO,Auto"})
    void offloadEngineAliases(String in, String canonical) throws Exception {
        assertEquals(canonical, parse(MINIMAL + "admin: {offload_engine: " + in + "}\n").admin().offloadEngine());
    }

    @Test
    void staticEndpointsAreCanonicalAndSorted() throws Exception {
        ClusterConfig c = parse(withClusters("""
                  - name: c
                    endpoints: ["10.0.0.1", "1.2.3.4/16", "2001:DB8::1/32:<1-2>", "0.0.0.0/0", "10.0.0.2:<1-65535>"]
                """)).clusters().get(0);
        assertEquals(List.of("0.0.0.0/0", "1.2.0.0/16", "10.0.0.1", "10.0.0.2", "2001:db8::/32:<1-2>"), c.endpoints());
    }

    @Test
    void routesAreSorted() throws Exception {
        assertEquals(List.of("a", "b", "c"),
                parse(withListeners("  - {name: l, routes: [c, a, b]}\n")).listeners().get(0).routes());
    }

    @Test
    void listenerAddressForms() throws Exception {
        StunnerConfig c = parse(withListeners("""
                  - {name: a, address: localhost, port: 1}
                  - {name: b, address: __node_address_placeholder, port: 2}
                  - {name: c, address: "::1", port: 3}
                  - {name: d, address: "", port: 4}
                """));
        assertEquals(List.of("127.0.0.1", "__node_address_placeholder", "::1", "0.0.0.0"),
                c.listeners().stream().map(ListenerConfig::address).toList());
    }

    // ---- keys --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "key {0}")
    @CsvSource({"loglevel", "logLevel", "LogLevel", "LOGLEVEL"})
    void keysAreCaseInsensitive(String key) throws Exception {
        assertEquals("all:DEBUG", parse(MINIMAL + "admin:\n  " + key + ": all:DEBUG\n").admin().logLevel());
    }

    @Test
    void keysAreCaseInsensitiveEverywhere() throws Exception {
        StunnerConfig c = parse("""
                Version: v1
                AUTH:
                  Type: static
                  Credentials: {username: u, password: p}
                Listeners:
                  - Name: l
                    Public_Address: 1.2.3.4
                    PORT: 4000
                Clusters:
                  - NAME: c
                    Endpoints: [10.0.0.1]
                """);
        assertEquals("1.2.3.4", c.listeners().get(0).publicAddress());
        assertEquals(4000, c.listeners().get(0).port());
        assertEquals(List.of("10.0.0.1"), c.clusters().get(0).endpoints());
    }

    @Test
    void unknownKeysAreIgnored() throws Exception {
        StunnerConfig c = parse("""
                version: v1
                foo: bar
                admin:
                  license_config: {key: k, hmac: h}
                  whatever: [1, 2]
                auth:
                  credentials: {username: u, password: p}
                listeners:
                  - name: l
                    min_relay_port: 10000
                    max_relay_port: 20000
                    unknown: {deep: [x]}
                """);
        assertEquals(1, c.listeners().size());
    }

    @Test
    void duplicateKeysLastWins() throws Exception {
        StunnerConfig c = parse("""
                version: v1
                admin:
                  name: first
                  name: second
                  loglevel: all:WARN
                  logLevel: all:ERROR
                auth:
                  credentials: {username: u, password: p, password: q}
                """);
        assertEquals("second", c.admin().name());
        assertEquals("all:ERROR", c.admin().logLevel());
        assertEquals("q", c.auth().credential("password"));
    }

    @Test
    void jsonIsAccepted() throws Exception {
        StunnerConfig c = parse("""
                {"version":"v1","admin":{"logLevel":"all:TRACE"},"auth":{"type":"plaintext",
                 "credentials":{"username":"u","password":"p"}},
                 "listeners":[{"name":"l","protocol":"tcp","port":3479,"routes":["c"]}],
                 "clusters":[{"name":"c","endpoints":["10.0.0.0/8"]}]}
                """);
        assertEquals("all:TRACE", c.admin().logLevel());
        assertEquals(ListenerProtocol.TURN_TCP, c.listeners().get(0).protocol());
        assertEquals(3479, c.listeners().get(0).port());
    }

    @Test
    void jsonWithDuplicateKeysLastWins() throws Exception {
        assertEquals("b", parse("{\"version\":\"v1\",\"admin\":{\"name\":\"a\",\"name\":\"b\"},"
                + "\"auth\":{\"credentials\":{\"username\":\"u\",\"password\":\"p\"}}}").admin().name());
    }

    @Test
    void scalarsOfAnyKindReadAsStrings() throws Exception {
        StunnerConfig c = parse("version: v1\nauth:\n  credentials: {username: 1234, password: true}\n");
        assertEquals("1234", c.auth().credential("username"));
        assertEquals("true", c.auth().credential("password"));
    }

    @Test
    void digitStringsAreAcceptedForPorts() throws Exception {
        assertEquals(5000, parse(withListeners("  - {name: l, port: \"5000\"}\n")).listeners().get(0).port());
    }

    @Test
    void byteOrderMarkIsSkipped() throws Exception {
        assertEquals("v1", parse("\uFEFF" + MINIMAL).version());
    }

    // ---- environment -------------------------------------------------------------------------------------

    @Test
    void environmentIsExpandedEverywhereButCredentials() throws Exception {
        Map<String, String> env = Map.of("ADDR", "10.1.2.3", "REALM", "example.org", "USER", "expanded-user",
                "NAME", "gw");
        StunnerConfig c = parse("""
                version: v1
                admin: {name: "ns/${NAME}"}
                auth:
                  realm: $REALM
                  credentials:
                    username: $USER
                    password: "pa$$word$"
                listeners:
                  - name: l
                    address: $ADDR
                    public_address: "${ADDR}"
                """, env);
        assertEquals("ns/gw", c.admin().name());
        assertEquals("example.org", c.auth().realm());
        assertEquals("$USER", c.auth().credential("username"), "credentials keep their pre-expansion text");
        assertEquals("pa$$word$", c.auth().credential("password"));
        assertEquals("10.1.2.3", c.listeners().get(0).address());
        assertEquals("10.1.2.3", c.listeners().get(0).publicAddress());
    }

    @Test
    void unsetVariablesExpandToEmptyAndThenToDefaults() throws Exception {
        StunnerConfig c = parse("""
                version: v1
                admin: {loglevel: $LOGLEVEL}
                auth:
                  type: $AUTH_TYPE
                  realm: $REALM
                  credentials: {username: u, password: p}
                listeners:
                  - name: l
                    address: "$STUNNER_ADDR"
                """);
        assertEquals("all:INFO", c.admin().logLevel());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals("stunner.l7mp.io", c.auth().realm());
        assertEquals("0.0.0.0", c.listeners().get(0).address());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "none set                         | {}                                          | 3478",
            "public port                      | {STUNNER_PUBLIC_PORT: '5000'}               | 5000",
            "non-numeric port, public port    | {STUNNER_PORT: 'abc', STUNNER_PUBLIC_PORT: '4000'} | 4000",
            "port set                         | {STUNNER_PORT: '6000', STUNNER_PUBLIC_PORT: '4000'} | 6000",
    })
    void stunnerPortDefaulting(String what, String envYaml, int port) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        for (String kv : envYaml.replaceAll("[{}' ]", "").split(",")) {
            if (!kv.isEmpty()) {
                env.put(kv.split(":")[0], kv.split(":")[1]);
            }
        }
        Map<String, String> frozen = Map.copyOf(env); // must not be modified by the loader
        StunnerConfig c = parse(withListeners("  - {name: l, port: $STUNNER_PORT}\n"), frozen);
        assertEquals(port, c.listeners().get(0).port());
    }

    @Test
    void expansionThatBreaksSyntaxIsReported() {
        List<String> p = problems(MINIMAL + "admin:\n  name: $BAD\n", Map.of("BAD", "a: b: c"));
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("line 5, column "), p.get(0));
        assertTrue(p.get(0).endsWith("(expected: valid YAML or JSON) after environment substitution"), p.get(0));
    }

    // ---- versions and wrappers ---------------------------------------------------------------------------

    @Test
    void v1alpha1IsConvertedToV1() throws Exception {
        StunnerConfig c = parse("""
                version: v1alpha1
                admin: {name: old}
                auth:
                  type: plaintext
                  credentials: {username: u, password: p}
                listeners:
                  - name: l
                    protocol: udp
                    port: 3478
                    min_relay_port: 10000
                    max_relay_port: 20000
                    routes: [c]
                clusters:
                  - name: c
                    endpoints: ["0.0.0.0/0"]
                """);
        assertEquals("v1", c.version());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals(new ListenerConfig("l", ListenerProtocol.TURN_UDP, "", 0, "0.0.0.0", 3478, "", "", List.of("c")),
                c.listeners().get(0));
        StunnerConfig longterm = parse("version: v1alpha1\nauth: {type: longterm, credentials: {secret: s}}\n");
        assertEquals(AuthType.EPHEMERAL, longterm.auth().type());
    }

    @Test
    void configMapWrapperIsUnwrapped() throws Exception {
        StunnerConfig c = parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: stunnerd-config}
                data:
                  stunnerd.conf: |
                    {"version":"v1","admin":{"name":"$NAME"},"auth":{"credentials":{"username":"u","password":"$P"}}}
                """, Map.of("NAME", "from-env", "P", "expanded"));
        assertEquals("from-env", c.admin().name());
        assertEquals("$P", c.auth().credential("password"));
    }

    @Test
    void configMapWithoutStunnerdConfIsAProblem() {
        assertEquals(List.of("data[\"stunnerd.conf\"]: missing (expected: a ConfigMap with the stunnerd config under stunnerd.conf)"),
                problems("kind: ConfigMap\ndata: {other: x}\n"));
    }

    // ---- problems ----------------------------------------------------------------------------------------

    static Stream<Arguments> problemCases() {
        return Stream.of(
                Arguments.of("bad version", "version: v2\nauth: {credentials: {username: u, password: p}}\n",
                        List.of("version: \"v2\" (expected: v1 or v1alpha1)")),
                Arguments.of("no version", "auth: {credentials: {username: u, password: p}}\n",
                        List.of("version: missing (expected: v1 or v1alpha1)")),
                Arguments.of("empty document", "",
                        List.of("version: missing (expected: v1 or v1alpha1)")),
                Arguments.of("comment-only document", "# nothing\n",
                        List.of("version: missing (expected: v1 or v1alpha1)")),
                Arguments.of("root is a list", "- a\n- b\n",
                        List.of("config: [...] (expected: a StunnerConfig mapping)")),
                Arguments.of("auth type case-sensitive", "version: v1\nauth: {type: Static, credentials: {username: u, password: p}}\n",
                        List.of("auth.type: \"Static\" (expected: static, plaintext, ephemeral, longterm, none)")),
                Arguments.of("timewindowed is operator-only", "version: v1\nauth: {type: timewindowed, credentials: {secret: s}}\n",
                        List.of("auth.type: \"timewindowed\" (expected: static, plaintext, ephemeral, longterm, none)")),
                Arguments.of("no auth section", "version: v1\n",
                        List.of("auth.credentials.username: missing (expected: required for static auth)",
                                "auth.credentials.password: missing (expected: required for static auth)")),
                Arguments.of("static without password", "version: v1\nauth: {credentials: {username: u}}\n",
                        List.of("auth.credentials.password: missing (expected: required for static auth)")),
                Arguments.of("ephemeral without secret", "version: v1\nauth: {type: ephemeral, credentials: {username: u}}\n",
                        List.of("auth.credentials.secret: missing (expected: required for ephemeral auth)")),
                Arguments.of("credentials not a mapping", "version: v1\nauth: {credentials: [a]}\n",
                        List.of("auth.credentials: a list (expected: a mapping of strings)",
                                "auth.credentials.username: missing (expected: required for static auth)",
                                "auth.credentials.password: missing (expected: required for static auth)")),
                Arguments.of("credential value not a string", "version: v1\nauth: {credentials: {username: u, password: {a: b}}}\n",
                        List.of("auth.credentials.password: a mapping (expected: a string)")),
                Arguments.of("listener without name", withListeners("  - {port: 3478}\n"),
                        List.of("listeners[0].name: missing (expected: a unique listener name)")),
                Arguments.of("port too large", withListeners("  - {name: a, port: 1}\n  - {name: b, port: 70000}\n"),
                        List.of("listeners[1].port: 70000 (expected: 1..65535)")),
                Arguments.of("negative port", withListeners("  - {name: a, port: -1}\n"),
                        List.of("listeners[0].port: -1 (expected: 1..65535)")),
                Arguments.of("port not a number", withListeners("  - {name: a, port: abc}\n"),
                        List.of("listeners[0].port: \"abc\" (expected: 1..65535)")),
                Arguments.of("port a float", withListeners("  - {name: a, port: 3478.5}\n"),
                        List.of("listeners[0].port: 3478.5 (expected: 1..65535)")),
                Arguments.of("port huge", withListeners("  - {name: a, port: 99999999999999999999}\n"),
                        List.of("listeners[0].port: 99999999999999999999 (expected: 1..65535)")),
                Arguments.of("public port", withListeners("  - {name: a, public_port: 70000}\n"),
                        List.of("listeners[0].public_port: 70000 (expected: 0..65535)")),
                Arguments.of("unknown protocol", withListeners("  - {name: a, protocol: SCTP}\n"),
                        List.of("listeners[0].protocol: \"SCTP\" (expected: TURN-UDP, TURN-TCP, TURN-TLS, TURN-DTLS, UDP, TCP, TLS, DTLS)")),
                Arguments.of("address not an IP", withListeners("  - {name: a, address: gw.example.org}\n"),
                        List.of("listeners[0].address: \"gw.example.org\" (expected: an IP address, localhost or __node_address_placeholder)")),
                Arguments.of("TLS without cert and key", withListeners("  - {name: a, protocol: TURN-TLS, port: 443}\n"),
                        List.of("listeners[0].cert: missing (expected: base64 PEM certificate, required for TURN-TLS)",
                                "listeners[0].key: missing (expected: base64 PEM private key, required for TURN-TLS)")),
                Arguments.of("DTLS without key", withListeners("  - {name: a, protocol: dtls, cert: Yw==}\n"),
                        List.of("listeners[0].key: missing (expected: base64 PEM private key, required for TURN-DTLS)")),
                Arguments.of("duplicate listener names", withListeners("  - {name: a, port: 1}\n  - {name: b, port: 2}\n  - {name: a, port: 3}\n"),
                        List.of("listeners[2].name: \"a\" (expected: a unique listener name; listeners[0] has it)")),
                Arguments.of("UDP and DTLS on one port", withListeners(
                                "  - {name: a, protocol: udp, port: 3478}\n  - {name: b, protocol: dtls, port: 3478, cert: Yw==, key: aw==}\n"),
                        List.of("listeners[1].port: 3478 (expected: a port no other UDP/DTLS listener uses; listeners[0] has it)")),
                Arguments.of("TCP and TLS on one port (default port)", withListeners(
                                "  - {name: a, protocol: tcp}\n  - {name: b, protocol: tls, cert: Yw==, key: aw==}\n"),
                        List.of("listeners[1].port: 3478 (expected: a port no other TCP/TLS listener uses; listeners[0] has it)")),
                Arguments.of("listeners not a list", MINIMAL + "listeners: foo\n",
                        List.of("listeners: \"foo\" (expected: a list)")),
                Arguments.of("listener not a mapping", withListeners("  - foo\n"),
                        List.of("listeners[0]: \"foo\" (expected: a listener mapping)")),
                Arguments.of("routes not a list", withListeners("  - {name: a, routes: c}\n"),
                        List.of("listeners[0].routes: \"c\" (expected: a list of strings)")),
                Arguments.of("cluster without name", withClusters("  - {endpoints: [10.0.0.1]}\n"),
                        List.of("clusters[0].name: missing (expected: a unique cluster name)")),
                Arguments.of("cluster type", withClusters("  - {name: c, type: LOGICAL_DNS}\n"),
                        List.of("clusters[0].type: \"LOGICAL_DNS\" (expected: STATIC, STRICT_DNS)")),
                Arguments.of("cluster protocol", withClusters("  - {name: c, protocol: sctp}\n"),
                        List.of("clusters[0].protocol: \"sctp\" (expected: UDP, TCP)")),
                Arguments.of("bad static endpoints", withClusters("  - {name: c, endpoints: [10.0.0.1, 10.0.0.2, 10.0.0.1/33, foo, \"10.0.0.1:<2-1>\"]}\n"),
                        List.of("clusters[0].endpoints[2]: \"10.0.0.1/33\" (expected: ip[/len][:<lo-hi>] with len 0..32)",
                                "clusters[0].endpoints[3]: \"foo\" (expected: ip[/len][:<lo-hi>])",
                                "clusters[0].endpoints[4]: \"10.0.0.1:<2-1>\" (expected: ip[/len][:<lo-hi>] with 0 <= lo <= hi <= 65535)")),
                Arguments.of("bad DNS endpoint", withClusters("  - {name: c, type: STRICT_DNS, endpoints: [ok.example, \"bad name\", -x.example]}\n"),
                        List.of("clusters[0].endpoints[1]: \"bad name\" (expected: a DNS name)",
                                "clusters[0].endpoints[2]: \"-x.example\" (expected: a DNS name)")),
                Arguments.of("duplicate cluster names", withClusters("  - {name: c}\n  - {name: c}\n"),
                        List.of("clusters[1].name: \"c\" (expected: a unique cluster name; clusters[0] has it)")),
                Arguments.of("offload engine", MINIMAL + "admin: {offload_engine: eBPF}\n",
                        List.of("admin.offload_engine: \"eBPF\" (expected: None, XDP, TC, Auto)")),
                Arguments.of("metrics endpoint without scheme", MINIMAL + "admin: {metrics_endpoint: \"0.0.0.0:8080\"}\n",
                        List.of("admin.metrics_endpoint: \"0.0.0.0:8080\" (no http:// scheme; expected: http://[host][:port][/path])")),
                Arguments.of("health endpoint port", MINIMAL + "admin: {healthcheck_endpoint: \"http://:99999\"}\n",
                        List.of("admin.healthcheck_endpoint: \"http://:99999\" (invalid port 99999; expected: a port in 1..65535)")),
                Arguments.of("user quota", MINIMAL + "admin: {user_quota: lots}\n",
                        List.of("admin.user_quota: \"lots\" (expected: an integer >= 0)")),
                Arguments.of("admin not a mapping", MINIMAL + "admin: [x]\n",
                        List.of("admin: [...] (expected: a mapping)")),
                Arguments.of("name not a string", withListeners("  - {name: [a]}\n"),
                        List.of("listeners[0].name: [...] (expected: a string)"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problemCases")
    void reportsExactProblems(String what, String text, List<String> expected) {
        assertEquals(expected, problems(text));
    }

    @Test
    void everyProblemIsListedAtOnce() {
        List<String> p = problems("""
                version: v3
                admin: {offload_engine: x}
                auth: {type: ephemeral, credentials: {}}
                listeners:
                  - {name: a, port: 70000}
                  - {protocol: bogus}
                clusters:
                  - {name: c, endpoints: [10.0.0.1/33]}
                """);
        assertEquals(List.of(
                "version: \"v3\" (expected: v1 or v1alpha1)",
                "admin.offload_engine: \"x\" (expected: None, XDP, TC, Auto)",
                "auth.credentials.secret: missing (expected: required for ephemeral auth)",
                "listeners[0].port: 70000 (expected: 1..65535)",
                "listeners[1].name: missing (expected: a unique listener name)",
                "listeners[1].protocol: \"bogus\" (expected: TURN-UDP, TURN-TCP, TURN-TLS, TURN-DTLS, UDP, TCP, TLS, DTLS)",
                "clusters[0].endpoints[0]: \"10.0.0.1/33\" (expected: ip[/len][:<lo-hi>] with len 0..32)"), p);
        ConfigException e = assertThrows(ConfigException.class, () -> parse("version: v3\nauth: {type: x}\n"));
        assertEquals("invalid config: 2 problems\n  - version: \"v3\" (expected: v1 or v1alpha1)\n"
                + "  - auth.type: \"x\" (expected: static, plaintext, ephemeral, longterm, none)", e.getMessage());
    }

    @Test
    void emptyValueInFlowMappingIsNullLikeGoYaml() throws Exception {
        // valid YAML (not valid JSON): "auth" is null, so static credentials are missing
        assertEquals(List.of("auth.credentials.username: missing (expected: required for static auth)",
                "auth.credentials.password: missing (expected: required for static auth)"),
                problems("{\"version\": \"v1\", \"auth\": }"));
    }

    @Test
    void yamlSyntaxErrorNamesTheProblemNotTheContext() {
        assertEquals(List.of("line 2, column 1: expected the node content, but found '<stream end>' "
                + "(expected: valid YAML or JSON)"), problems("x: [1,\n"));
    }

    @Test
    void yamlSyntaxErrorIsOneProblemWithPosition() {
        List<String> p = problems("version: v1\nauth:\n  credentials: {username: u\nlisteners: [\n");
        assertEquals(1, p.size());
        assertTrue(p.get(0).matches("line \\d+, column \\d+: .+ \\(expected: valid YAML or JSON\\)"), p.get(0));
        assertFalse(p.get(0).contains("\n"), "one line");
        assertFalse(p.get(0).contains("at com."), "no stack trace");
    }

    @Test
    void jsonSyntaxErrorIsReportedAsJson() {
        List<String> p = problems("{\"version\": \"v1\" \"auth\": {}}");
        assertEquals(List.of("line 1, column 18: Unexpected character ('\"' (code 34)): was expecting comma to separate "
                + "Object entries (expected: valid YAML or JSON)"), p);
    }

    @Test
    void problemsNeverShowCredentialValues() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "version: v1\nauth: {type: static, credentials: {username: [topsecret-user], password: {x: topsecret-pass}}}\n"));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    }

    // ---- files -------------------------------------------------------------------------------------------

    @Test
    void loadsFromPathAndFileUri(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stunnerd conf.yaml");
        Files.writeString(f, MINIMAL);
        StunnerConfig expected = parse(MINIMAL);
        assertEquals(expected, ConfigLoader.load(f, Map.of()));
        assertEquals(expected, ConfigLoader.load(f.toString(), Map.of()));
        assertEquals(expected, ConfigLoader.load(f.toUri().toString(), Map.of()));
        assertEquals(expected, ConfigLoader.load("file://" + f.toString().replace(" ", "%20"), Map.of()));
    }

    @Test
    void missingFileIsOneProblem(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope"), Map.of()));
        assertEquals(List.of(dir.resolve("nope") + ": no such file (expected: a readable config file)"), e.problems());
    }

    @Test
    void nonUtf8FileIsOneProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bin");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertEquals(List.of(f + ": not UTF-8 text (expected: a YAML or JSON config file)"), e.problems());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"file:///etc/stunnerd/stunnerd.conf,true", "/etc/stunnerd.conf,true", "stunnerd.conf,true",
            "./x:y.conf,true", ":13478,false", "10.0.0.1:13478,false", "[::1]:13478,false", "stunner-cds:13478,false",
            "http://10.0.0.1:13478,false", "ws://x,false", "k8s,false"})
    void tellsFileOriginsFromCdsOrigins(String origin, boolean file) {
        assertEquals(file, ConfigLoader.isFileOrigin(origin));
    }

    // ---- warnings ----------------------------------------------------------------------------------------

    @Test
    void warningsNameUnknownRoutesAndMissingParts() throws Exception {
        StunnerConfig c = parse(MINIMAL + """
                admin: {offload_engine: auto}
                listeners:
                  - {name: l, routes: [c, ghost], protocol: tls, cert: /tmp/crt.cert, key: a2V5}
                clusters:
                  - {name: c}
                """);
        assertEquals(List.of(
                "listeners[0] \"l\": route \"ghost\" names no cluster (ignored)",
                "listeners[0] \"l\": cert is not base64 (expected: base64 of a PEM certificate)",
                "admin.offload_engine: Auto (not supported, ignored)"), ConfigLoader.warnings(c));
        assertEquals(List.of("listeners: none (the gateway is unreachable)",
                "clusters: none (TURN forwarding to peers is not permitted)"), ConfigLoader.warnings(parse(MINIMAL)));
        assertEquals(List.of(), ConfigLoader.warnings(ConfigLoader.defaultConfig()));
    }

    // ---- built-in configs --------------------------------------------------------------------------------

    @Test
    void defaultConfigIsStunnerdsAndValid() throws Exception {
        StunnerConfig c = ConfigLoader.defaultConfig();
        assertEquals(c, ConfigLoader.validate(c), "already normalised");
        assertEquals("default-stunnerd", c.admin().name());
        assertEquals("http://:8086", c.admin().healthCheckEndpoint(), "a try-out has health checks, as stunnerd's default");
        assertEquals("http://:8080/metrics", c.admin().metricsEndpoint(), "... and metrics, as the operator renders them");
        assertEquals(Map.of("username", "user-1", "password", "pass-1"), c.auth().credentials());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals("stunner.l7mp.io", c.auth().realm());
        assertEquals(List.of(new ListenerConfig("default-listener", ListenerProtocol.TURN_UDP, "", 0, "0.0.0.0", 3478,
                "", "", List.of("local-only"))), c.listeners());
        assertEquals(List.of(new ClusterConfig("local-only", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("127.0.0.1"))), c.clusters());
    }

    @Test
    void validateNormalisesCodeBuiltConfigs() throws Exception {
        StunnerConfig raw = new StunnerConfig("v1", null,
                new io.turngate.config.v1.AuthConfig(null, null, Map.of("username", "u", "password", "p")),
                List.of(new ListenerConfig("l", null, null, 0, null, 0, null, null, List.of("b", "a"))),
                List.of(new ClusterConfig("c", null, null, List.of("1.2.3.4/16"))));
        StunnerConfig c = ConfigLoader.validate(raw);
        assertEquals(ListenerProtocol.TURN_UDP, c.listeners().get(0).protocol());
        assertEquals(3478, c.listeners().get(0).port());
        assertEquals(List.of("a", "b"), c.listeners().get(0).routes());
        assertEquals(List.of("1.2.0.0/16"), c.clusters().get(0).endpoints());
        assertEquals("stunner.l7mp.io", c.auth().realm());
        assertEquals("http://:8086", c.admin().healthCheckEndpoint());
    }

    @Test
    void quickModeFromTurnUri() throws Exception {
        StunnerConfig c = ConfigLoader.fromTurnUri("turn://user:pa%40ss+x@127.0.0.1:3479?transport=tcp");
        assertEquals(Map.of("username", "user", "password", "pa@ss+x"), c.auth().credentials());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals("", c.admin().healthCheckEndpoint());
        assertEquals(List.of(new ListenerConfig("default-listener", ListenerProtocol.TURN_TCP, "", 0, "127.0.0.1", 3479,
                "", "", List.of("allow-any"))), c.listeners());
        // 0.0.0.0/0 admits no loopback peer in turngate: a loopback host (a local try-out) is routed by name too.
        assertEquals(List.of(new ClusterConfig("allow-any", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("0.0.0.0/0", "127.0.0.1"))), c.clusters());
        assertEquals(List.of(new ClusterConfig("allow-any", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("0.0.0.0/0"))), ConfigLoader.fromTurnUri("turn://u:p@10.0.0.5:3478").clusters(),
                "a non-loopback host relays to 0.0.0.0/0 only, as stunnerd's quick mode");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "turn://u:p@10.0.0.1                   | TURN_UDP  | 10.0.0.1 | 3478",
            "turn:u:p@10.0.0.1:5000                | TURN_UDP  | 10.0.0.1 | 5000",
            "TURN://u:p@10.0.0.1?transport=UDP     | TURN_UDP  | 10.0.0.1 | 3478",
            "turn://u:p@[::1]:3478?transport=udp   | TURN_UDP  | ::1      | 3478",
            "turn://u:p@localhost:3478             | TURN_UDP  | 127.0.0.1| 3478",
            "turn://u:p@1.2.3.4:443?transport=tls  | TURN_TLS  | 1.2.3.4  | 443",
            "turns://u:p@1.2.3.4:443?transport=tcp | TURN_TLS  | 1.2.3.4  | 443",
            "turns://u:p@1.2.3.4:443               | TURN_TLS  | 1.2.3.4  | 443",
            "turns://u:p@1.2.3.4?transport=udp     | TURN_DTLS | 1.2.3.4  | 3478",
            "turn://u:p@1.2.3.4?transport=dtls     | TURN_DTLS | 1.2.3.4  | 3478",
    })
    void quickModeUriForms(String uri, ListenerProtocol protocol, String address, int port) throws Exception {
        StunnerConfig c = ConfigLoader.fromTurnUri(uri, "Y2VydA==", "a2V5");
        ListenerConfig l = c.listeners().get(0);
        assertEquals(protocol, l.protocol());
        assertEquals(address, l.address());
        assertEquals(port, l.port());
        assertEquals(protocol.needsCertificate() ? "Y2VydA==" : "", l.cert());
    }

    @Test
    void quickModeTlsNeedsCertificate() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromTurnUri("turn://u:p@1.2.3.4:443?transport=tls"));
        assertEquals(List.of("listeners[0].cert: missing (expected: base64 PEM certificate, required for TURN-TLS)",
                "listeners[0].key: missing (expected: base64 PEM private key, required for TURN-TLS)"), e.problems());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://u:hunter2@1.2.3.4",
            "turn://1.2.3.4:3478",
            "turn://u@1.2.3.4",
            "turn://:hunter2@1.2.3.4",
            "turn://u:hunter2@1.2.3.4:99999",
            "turn://u:hunter2@1.2.3.4?transport=sctp",
            "turn://u:hunter2@turn.example.org",
            "turn://u:hunter2@[::1",
    })
    void quickModeRejectsBadUrisWithoutLeakingThePassword(String uri) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTurnUri(uri));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("(expected: "), e.getMessage());
    }
}
