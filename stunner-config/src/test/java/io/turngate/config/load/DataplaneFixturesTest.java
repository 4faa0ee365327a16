package io.turngate.config.load;

import io.turngate.config.Samples;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sample stunnerd config loads, with the values stunnerd would use: the project's copies in
 * {@code src/test/resources/stunner/dataplane-configs}, or STUNner's files in {@code ../shared} (the subclass
 * {@link DataplaneFixturesUpstreamTest} overrides {@link #dir()}).
 */
class DataplaneFixturesTest {
    /** The directory with the stunnerd configs. */
    Path dir() {
        return ownDir();
    }

    static Path ownDir() {
        return Samples.stunner().resolve("dataplane-configs");
    }

    private StunnerConfig load(String name, Map<String, String> env) throws Exception {
        return ConfigLoader.load(dir().resolve(name), env);
    }

    /** The file names of the project's copies; the upstream suite checks that upstream has the same names. */
    static Stream<String> fixtures() throws IOException {
        List<String> names = fileNames(ownDir());
        assertTrue(names.size() >= 4, "fixtures found: " + names);
        return names.stream();
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFixtureLoadsAndRoundTrips(String name) throws Exception {
        Path file = dir().resolve(name);
        StunnerConfig c = ConfigLoader.load(file, Map.of());
        assertEquals("v1", c.version());
        assertEquals(c, ConfigLoader.parse(ConfigJson.write(c), Map.of()), "JSON round trip");
        assertEquals(c, ConfigLoader.validate(c), "already normalised");
        String masked = ConfigJson.writeMasked(c);
        for (String secret : c.auth().credentials().values()) {
            if (secret.length() > 3) {
                assertFalse(masked.contains("\"" + secret + "\""), file + ": masked output leaks a credential");
            }
        }
    }

    @Test
    void multiListenerHasFourUdpListenersOnOneOpenCluster() throws Exception {
        StunnerConfig c = load("multi_listener.conf", Map.of());
        assertEquals("stunnerd", c.admin().name());
        assertEquals(AuthType.STATIC, c.auth().type());
        assertEquals(Map.of("username", "user", "password", "pass"), c.auth().credentials());
        assertEquals(4, c.listeners().size());
        int port = 5000;
        for (ListenerConfig l : c.listeners()) {
            assertEquals("udp-" + port, l.name());
            assertEquals(ListenerProtocol.TURN_UDP, l.protocol());
            assertEquals("127.0.0.1", l.address());
            assertEquals(port, l.port());
            assertEquals(List.of("open-cluster"), l.routes());
            port += 1000;
        }
        assertEquals(List.of(new ClusterConfig("open-cluster", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("0.0.0.0/0"))), c.clusters());
        assertEquals(List.of(), ConfigLoader.warnings(c));
    }

    @Test
    void iperfConfigIsTheOperatorStyleSample() throws Exception {
        StunnerConfig c = load("stunner-iperf-test.conf", Map.of());
        assertEquals("stunner-daemon", c.admin().name());
        assertEquals("http://:8086", c.admin().healthCheckEndpoint());
        assertEquals(Map.of("username", "user-1", "password", "pass-1"), c.auth().credentials());
        assertEquals(List.of(
                new ListenerConfig("stunner/udp-gateway/udp-listener", ListenerProtocol.TURN_UDP, "35.205.10.190", 3478,
                        "127.0.0.1", 3478, "", "", List.of("stunner/iperf-server")),
                new ListenerConfig("stunner/tcp-gateway/tcp-listener", ListenerProtocol.TURN_TCP, "35.187.97.94", 3478,
                        "127.0.0.1", 3478, "", "", List.of("stunner/iperf-server"))), c.listeners());
        assertEquals(List.of(new ClusterConfig("stunner/iperf-server", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("0.0.0.0/0"))), c.clusters());
    }

    @Test
    void stunnerdConfWithoutEnvironmentUsesDefaultsAndKeepsCredentialText() throws Exception {
        StunnerConfig c = load("stunnerd.conf", Map.of());
        assertEquals("stunnerd", c.admin().name());
        assertEquals("all:INFO", c.admin().logLevel(), "empty $STUNNER_LOGLEVEL -> default");
        assertEquals("http://0.0.0.0:8080/metrics", c.admin().metricsEndpoint());
        assertEquals(AuthType.STATIC, c.auth().type(), "empty $STUNNER_AUTH_TYPE -> default static");
        assertEquals("stunner.l7mp.io", c.auth().realm());
        // credentials are restored to their pre-expansion text, exactly as stunnerd does (issue #102)
        assertEquals(Map.of("username", "$STUNNER_USERNAME", "password", "$STUNNER_PASSWORD",
                "secret", "$STUNNER_SHARED_SECRET"), c.auth().credentials());
        assertEquals(List.of(
                new ListenerConfig("stunnerd-udp", ListenerProtocol.TURN_UDP, "", 0, "0.0.0.0", 3478, "", "",
                        List.of("open-cluster")),
                new ListenerConfig("stunnerd-tcp", ListenerProtocol.TURN_TCP, "", 0, "0.0.0.0", 3478, "", "",
                        List.of("open-cluster"))), c.listeners());
        assertEquals(List.of(new ClusterConfig("open-cluster", ClusterType.STATIC, ClusterProtocol.UDP,
                List.of("0.0.0.0/0"))), c.clusters());
    }

    @Test
    void stunnerdConfWithPodEnvironment() throws Exception {
        StunnerConfig c = load("stunnerd.conf", Map.of("STUNNER_ADDR", "10.244.1.7", "STUNNER_PUBLIC_PORT", "30478",
                "STUNNER_LOGLEVEL", "all:DEBUG", "STUNNER_AUTH_TYPE", "longterm", "STUNNER_REALM", "example.org",
                "STUNNER_SHARED_SECRET", "not-used-because-credentials-stay-literal"));
        assertEquals("all:DEBUG", c.admin().logLevel());
        assertEquals(AuthType.EPHEMERAL, c.auth().type());
        assertEquals("example.org", c.auth().realm());
        assertEquals("$STUNNER_SHARED_SECRET", c.auth().credential("secret"));
        for (ListenerConfig l : c.listeners()) {
            assertEquals("10.244.1.7", l.address());
            assertEquals("10.244.1.7", l.publicAddress());
            assertEquals(30478, l.port(), "STUNNER_PORT defaults to STUNNER_PUBLIC_PORT");
        }
    }

    @Test
    void sampleConfigMapFromTheAuthService() throws Exception {
        StunnerConfig c = load("sample-stunnerd-config.yaml", Map.of());
        assertEquals("stunnerd", c.admin().name());
        assertEquals("all:INFO", c.admin().logLevel(), "logLevel key matched case-insensitively");
        assertEquals(AuthType.EPHEMERAL, c.auth().type(), "longterm is an alias of ephemeral");
        assertEquals(Map.of("secret", "my-secret"), c.auth().credentials());
        assertEquals(List.of(
                new ListenerConfig("testnamespace/testgateway/udp", ListenerProtocol.TURN_UDP, "1.2.3.4", 3478,
                        "127.0.0.1", 23478, "", "", List.of()),
                new ListenerConfig("dummynamespace/testgateway/turn-tcp", ListenerProtocol.TURN_TCP, "1.2.3.4", 3478,
                        "127.0.0.1", 3478, "", "", List.of()),
                new ListenerConfig("testnamespace/dummygateway/tls", ListenerProtocol.TURN_TLS, "", 0,
                        "127.0.0.1", 3479, "/tmp/crt.cert", "/tmp/crt.key", List.of()),
                new ListenerConfig("testnamespace/testgateway/dtls", ListenerProtocol.TURN_DTLS, "", 0,
                        "127.0.0.1", 3479, "/tmp/crt.cert", "/tmp/crt.key", List.of())), c.listeners());
        assertEquals(List.of(), c.clusters());
        List<String> warnings = ConfigLoader.warnings(c);
        assertTrue(warnings.contains("clusters: none (TURN forwarding to peers is not permitted)"), warnings.toString());
        assertTrue(warnings.contains("listeners[2] \"testnamespace/dummygateway/tls\": cert is not base64 "
                + "(expected: base64 of a PEM certificate)"), warnings.toString());
    }
}
