package io.turngate.config.diff;

import io.turngate.config.diff.ConfigDiff.AdminField;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDiffTest {
    private static final String BASE = """
            version: v1
            admin: {name: gw, loglevel: all:INFO}
            auth: {realm: r1, credentials: {username: u, password: p}}
            listeners:
              - {name: udp, protocol: TURN-UDP, address: 10.0.0.1, port: 3478, public_address: 1.2.3.4, public_port: 3478, routes: [media]}
              - {name: tcp, protocol: TURN-TCP, address: 10.0.0.1, port: 3478, routes: [media]}
            clusters:
              - {name: media, endpoints: [10.0.0.0/8]}
              - {name: other, endpoints: [192.168.0.1]}
            """;

    private static StunnerConfig cfg(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static StunnerConfig base() throws Exception {
        return cfg(BASE);
    }

    /** BASE with one textual replacement (which must apply). */
    private static StunnerConfig edited(String from, String to) throws Exception {
        assertTrue(BASE.contains(from), from);
        return cfg(BASE.replace(from, to));
    }

    private static List<String> names(List<ListenerConfig> ls) {
        return ls.stream().map(ListenerConfig::name).toList();
    }

    private static List<String> cnames(List<ClusterConfig> cs) {
        return cs.stream().map(ClusterConfig::name).toList();
    }

    @Test
    void firstConfigStartsEverything() throws Exception {
        ConfigDiff d = ConfigDiff.between(null, base());
        assertEquals(List.of("udp", "tcp"), names(d.listenersToStart()));
        assertEquals(List.of("media", "other"), cnames(d.clustersAdded()));
        assertTrue(d.authChanged());
        assertTrue(d.realmChanged());
        assertTrue(d.adminChanged());
        assertEquals(Set.of(AdminField.values()), d.adminChanges());
        assertFalse(d.isEmpty());
    }

    @Test
    void sameConfigIsEmpty() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), base());
        assertTrue(d.isEmpty());
        assertFalse(d.touchesSockets());
        assertEquals(List.of("udp", "tcp"), names(d.listenersToKeep()));
        assertEquals(Set.of(), d.adminChanges());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "port            | 'name: udp, protocol: TURN-UDP, address: 10.0.0.1, port: 3478' | 'name: udp, protocol: TURN-UDP, address: 10.0.0.1, port: 3479'",
            "address         | 'name: udp, protocol: TURN-UDP, address: 10.0.0.1'             | 'name: udp, protocol: TURN-UDP, address: 10.0.0.2'",
            "protocol        | 'name: udp, protocol: TURN-UDP'                                | 'name: udp, protocol: TURN-DTLS, cert: Yw==, key: aw=='",
    })
    void socketChangesRestartOnlyThatListener(String what, String from, String to) throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited(from, to));
        assertEquals(List.of("udp"), names(d.listenersToRestart()), what);
        assertEquals(List.of("tcp"), names(d.listenersToKeep()));
        assertTrue(d.listenersToStart().isEmpty());
        assertTrue(d.listenersToStop().isEmpty());
        assertTrue(d.listenersToUpdate().isEmpty());
        assertTrue(d.touchesSockets());
        assertFalse(d.authChanged());
    }

    @Test
    void certOrKeyChangeOfATlsListenerIsAnUpdateInPlace() throws Exception {
        String tls = "version: v1\nauth: {credentials: {username: u, password: p}}\nlisteners:\n"
                + "  - {name: tls, protocol: TURN-TLS, port: 443, cert: Yw==, key: aw==}\n";
        StunnerConfig a = cfg(tls);
        for (String changed : List.of(tls.replace("cert: Yw==", "cert: YzI="), tls.replace("key: aw==", "key: azI="))) {
            ConfigDiff d = ConfigDiff.between(a, cfg(changed));
            assertEquals(List.of(), names(d.listenersToRestart()), "TURN-TLS reloads its certificate in place");
            assertEquals(List.of("tls"), names(d.listenersToUpdate()));
            assertFalse(d.touchesSockets());
        }
    }

    @Test
    void certOrKeyChangeOfADtlsListenerIsAnUpdateInPlace() throws Exception {
        String dtls = "version: v1\nauth: {credentials: {username: u, password: p}}\nlisteners:\n"
                + "  - {name: dtls, protocol: TURN-DTLS, port: 443, cert: Yw==, key: aw==}\n";
        StunnerConfig a = cfg(dtls);
        for (String changed : List.of(dtls.replace("cert: Yw==", "cert: YzI="), dtls.replace("key: aw==", "key: azI="))) {
            ConfigDiff d = ConfigDiff.between(a, cfg(changed));
            assertEquals(List.of(), names(d.listenersToRestart()), "TURN-DTLS reloads its certificate in place");
            assertEquals(List.of("dtls"), names(d.listenersToUpdate()));
            assertFalse(d.touchesSockets());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "routes          | 'public_port: 3478, routes: [media]}' | 'public_port: 3478, routes: [media, other]}'",
            "public address  | 'public_address: 1.2.3.4'   | 'public_address: 5.6.7.8'",
            "public port     | 'public_port: 3478'         | 'public_port: 30478'",
    })
    void routeAndPublicChangesUpdateInPlace(String what, String from, String to) throws Exception {
        StunnerConfig neu = edited(from, to);
        ConfigDiff d = ConfigDiff.between(base(), neu);
        assertEquals(List.of("udp"), names(d.listenersToUpdate()), what);
        assertEquals(neu.listener("udp").orElseThrow(), d.listenersToUpdate().get(0), "new value carried");
        assertTrue(d.listenersToRestart().isEmpty());
        assertFalse(d.touchesSockets());
    }

    @Test
    void addedRemovedAndRenamedListeners() throws Exception {
        StunnerConfig neu = edited("  - {name: tcp, protocol: TURN-TCP, address: 10.0.0.1, port: 3478, routes: [media]}\n",
                "  - {name: tcp2, protocol: TURN-TCP, address: 10.0.0.1, port: 3478, routes: [media]}\n"
                        + "  - {name: extra, protocol: TURN-UDP, port: 5000}\n");
        ConfigDiff d = ConfigDiff.between(base(), neu);
        assertEquals(List.of("tcp2", "extra"), names(d.listenersToStart()));
        assertEquals(List.of("tcp"), names(d.listenersToStop()));
        assertEquals(base().listener("tcp").orElseThrow(), d.listenersToStop().get(0), "old value carried");
        assertEquals(List.of("udp"), names(d.listenersToKeep()));
    }

    @Test
    void clustersAddedRemovedChanged() throws Exception {
        StunnerConfig neu = edited("  - {name: media, endpoints: [10.0.0.0/8]}\n  - {name: other, endpoints: [192.168.0.1]}\n",
                "  - {name: media, endpoints: [10.0.0.0/8, 172.16.0.0/12]}\n  - {name: new, endpoints: [192.168.0.2]}\n");
        ConfigDiff d = ConfigDiff.between(base(), neu);
        assertEquals(List.of("media"), cnames(d.clustersChanged()));
        assertEquals(List.of("new"), cnames(d.clustersAdded()));
        assertEquals(List.of("other"), cnames(d.clustersRemoved()));
        assertTrue(d.listenersToRestart().isEmpty() && d.listenersToUpdate().isEmpty());
        assertFalse(d.isEmpty());
    }

    @Test
    void clusterTypeOrProtocolChangeIsAChange() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited("{name: other, endpoints: [192.168.0.1]}",
                "{name: other, protocol: TCP, endpoints: [192.168.0.1]}"));
        assertEquals(List.of("other"), cnames(d.clustersChanged()));
    }

    @Test
    void realmChangeIsReportedButRestartsNothing() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited("realm: r1", "realm: r2"));
        assertTrue(d.realmChanged());
        assertTrue(d.authChanged());
        assertTrue(d.listenersToRestart().isEmpty(), "turngate leaves realm-driven restarts to the server");
        assertEquals(List.of("udp", "tcp"), names(d.listenersToKeep()));
    }

    @Test
    void credentialChangeIsAuthOnly() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited("password: p", "password: q"));
        assertTrue(d.authChanged());
        assertFalse(d.realmChanged());
        assertFalse(d.touchesSockets());
        assertFalse(d.adminChanged());
    }

    @Test
    void adminFieldChangesAreNamed() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited("admin: {name: gw, loglevel: all:INFO}",
                "admin: {name: gw, loglevel: all:DEBUG, healthcheck_endpoint: \"\", metrics_endpoint: \"http://:8080/metrics\"}"));
        assertTrue(d.adminChanged());
        assertEquals(Set.of(AdminField.LOG_LEVEL, AdminField.HEALTH_CHECK_ENDPOINT, AdminField.METRICS_ENDPOINT),
                d.adminChanges());
        assertFalse(d.authChanged());
        assertTrue(d.toString().contains("LOG_LEVEL"), d.toString());
    }

    @Test
    void toStringHasNoSecrets() throws Exception {
        ConfigDiff d = ConfigDiff.between(base(), edited("password: p", "password: topsecret"));
        assertFalse(d.toString().contains("topsecret"));
    }
}
