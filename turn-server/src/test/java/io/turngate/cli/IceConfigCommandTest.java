package io.turngate.cli;

import io.turngate.auth.EphemeralCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code turngate ice-config}: the CloudRetro coordinator's ICE-server lines for one and for two gateways. */
class IceConfigCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        } finally {
            System.setErr(stderr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A CloudRetro-style directory: GatewayClass, GatewayConfig (static game-user/game-pass), one TURN-UDP Gateway. */
    private Path manifests(String dir, String extraGatewaySpec) throws IOException {
        Path d = Files.createDirectory(tmp.resolve(dir));
        Files.writeString(d.resolve("gateway.yaml"), String.join("\n",
                "apiVersion: gateway.networking.k8s.io/v1",
                "kind: GatewayClass",
                "metadata: {name: stunner-gatewayclass}",
                "spec:",
                "  controllerName: stunner.l7mp.io/gateway-operator",
                "  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: stunner-gatewayconfig,"
                        + " namespace: stunner}",
                "---",
                "apiVersion: stunner.l7mp.io/v1",
                "kind: GatewayConfig",
                "metadata: {name: stunner-gatewayconfig, namespace: stunner}",
                "spec: {realm: stunner.l7mp.io, authType: static, userName: game-user, password: game-pass}",
                "---",
                "apiVersion: gateway.networking.k8s.io/v1",
                "kind: Gateway",
                "metadata: {name: udp-gateway, namespace: stunner}",
                "spec:",
                "  gatewayClassName: stunner-gatewayclass",
                extraGatewaySpec,
                "  listeners:",
                "    - {name: udp-listener, port: 3478, protocol: TURN-UDP}",
                ""));
        return d;
    }

    private Path stunnerd(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path usGateway() throws IOException {
        return stunnerd("us.yaml", String.join("\n",
                "version: v1",
                "admin: {name: stunner/us-gateway}",
                "auth: {type: static, credentials: {username: us-user, password: us-pass}}",
                "listeners:",
                "  - {name: stunner/us-gateway/udp, protocol: TURN-UDP, public_address: 198.51.100.7,"
                        + " public_port: 3478, port: 3478}",
                "  - {name: stunner/us-gateway/tcp, protocol: TURN-TCP, public_address: 198.51.100.7,"
                        + " public_port: 443, port: 3478}",
                ""));
    }

    @Test
    void oneGatewayPrintsWhatCoordinatorConfigShBuilds() throws IOException {
        Run r = run("ice-config", "-c", manifests("eu", "").toString(), "--public-address", "203.0.113.10");
        assertEquals(0, r.code(), r.err());
        assertEquals(String.join("\n",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:203.0.113.10:3478?transport=udp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=game-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=game-pass",
                ""), r.out());
        assertFalse(r.err().contains("ignore n ="), r.err());
    }

    @Test
    void aGatewaysOwnPublicAddressNeedsNoFlag() throws IOException {
        Path eu = manifests("eu", "  addresses: [{type: IPAddress, value: 203.0.113.11}]");
        Run r = run("ice-config", "-c", eu.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:203.0.113.11:3478?transport=udp\n"
                + "CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=game-user\n"
                + "CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=game-pass\n", r.out());
    }

    @Test
    void twoGatewaysAreListedInOrderWithTheirOwnAddressesAndCredentials() throws IOException {
        Run r = run("ice-config", "-c", manifests("eu", "").toString(), "-c", usGateway().toString(),
                "--public-address", "203.0.113.10");
        assertEquals(0, r.code(), r.err());
        assertEquals(String.join("\n",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:203.0.113.10:3478?transport=udp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=game-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=game-pass",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_URL=turn:198.51.100.7:3478?transport=udp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_USERNAME=us-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_CREDENTIAL=us-pass",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_URL=turn:198.51.100.7:443?transport=tcp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_USERNAME=us-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_CREDENTIAL=us-pass",
                ""), r.out());
    }

    @Test
    void publicAddressesApplyInOrderAndAnEmptyOneKeepsTheConfigs() throws IOException {
        Run r = run("ice-config", "-c", usGateway().toString(), "-c", manifests("eu", "").toString(),
                "--public-address", "", "--public-address", "[2001:db8::10]:30478");
        assertEquals(0, r.code(), r.err());
        assertEquals(String.join("\n",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:198.51.100.7:3478?transport=udp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=us-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=us-pass",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_URL=turn:198.51.100.7:443?transport=tcp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_USERNAME=us-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_1_CREDENTIAL=us-pass",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_URL=turn:[2001:db8::10]:30478?transport=udp",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_USERNAME=game-user",
                "CLOUD_GAME_WEBRTC_ICESERVERS_2_CREDENTIAL=game-pass",
                ""), r.out());
    }

    @Test
    void indicesPastFourAreWarnedAboutBecauseCloudRetroReadsOnlyFive() throws IOException {
        Run r = run("ice-config", "-c", manifests("eu", "").toString(), "-c", usGateway().toString(),
                "--public-address", "203.0.113.10:3479", "--index-start", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("CLOUD_GAME_WEBRTC_ICESERVERS_4_URL=turn:203.0.113.10:3479?transport=udp\n"), r.out());
        assertTrue(r.out().contains("CLOUD_GAME_WEBRTC_ICESERVERS_6_CREDENTIAL=us-pass\n"), r.out());
        assertTrue(r.err().contains("CloudRetro reads only indices 0-4 of CLOUD_GAME_WEBRTC_ICESERVERS_<n>_*;"
                + " it will ignore n = 5, 6"), r.err());
    }

    @Test
    void aListenerWithoutAReachableAddressAsksForPublicAddress() throws IOException {
        assumeTrue(System.getenv("STUNNER_ADDR") == null, "needs STUNNER_ADDR unset");
        Run r = run("ice-config", "-c", manifests("eu", "").toString());
        assertEquals(2, r.code(), r.out());
        assertEquals("", r.out());
        assertTrue(r.err().contains("listener stunner/udp-gateway/udp-listener has no public address and advertises"
                + " 0.0.0.0, which clients cannot reach (expected: the 1st --public-address IP[:PORT], or"
                + " public_address in the config)"), r.err());
    }

    @Test
    void everyProblemIsListedAndNothingIsPrinted() throws IOException {
        Path bad = stunnerd("bad.yaml", "version: v1\nauth: {type: static, credentials: {username: u, password: p}}\n"
                + "listeners:\n  - {name: a, port: 70000}\n");
        Path none = stunnerd("none.yaml", "version: v1\nauth: {type: none}\nlisteners:\n"
                + "  - {name: n/g/l, public_address: 192.0.2.1}\n");
        Run r = run("ice-config", "-c", bad.toString(), "-c", none.toString(), "--public-address", "0.0.0.0",
                "--public-address", "192.0.2.1:3478", "--public-address", "192.0.2.2", "--index-start", "-1",
                "--ttl", "-5");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        for (String expected : Arrays.asList(
                "--public-address: 3 given for 2 gateway(s)",
                "--index-start: found -1 (expected: 0 or more)",
                "--ttl: found -5 (expected: 0..9223372036)",
                "--public-address: \"0.0.0.0\"",
                "bad.yaml: INVALID",
                "  - " + bad + ": listeners[0].port: 70000 (expected: 1..65535)",
                "auth type none (expected: static or ephemeral")) {
            assertTrue(r.err().contains(expected), expected + " in:\n" + r.err());
        }
    }

    @Test
    void ephemeralCredentialsAreTimeWindowedAndTheirExpiryIsNoted() throws IOException {
        Path f = stunnerd("eph.yaml", String.join("\n",
                "version: v1",
                "admin: {name: stunner/eph}",
                "auth: {type: ephemeral, credentials: {secret: my-shared-secret}}",
                "listeners:",
                "  - {name: stunner/eph/udp, address: 10.2.3.4, port: 3478}",
                ""));
        long before = Instant.now().getEpochSecond();
        Run r = run("ice-config", "-c", f.toString(), "--ttl", "600", "--username", "player-1");
        long after = Instant.now().getEpochSecond();
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertEquals("CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:10.2.3.4:3478?transport=udp", lines[0]);
        String username = lines[1].substring("CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=".length());
        assertTrue(username.endsWith(":player-1"), username);
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertTrue(expiry >= before + 600 && expiry <= after + 600, username);
        assertEquals("CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=" + EphemeralCredentials.password("my-shared-secret",
                username), lines[2]);
        assertTrue(r.err().contains("ephemeral credentials expire at " + Instant.ofEpochSecond(expiry)), r.err());
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1} {2}")
    @CsvSource(nullValues = "null", value = {
        "203.0.113.10,          203.0.113.10,     null",
        "203.0.113.10:3478,     203.0.113.10,     3478",
        "lb.example.com,        lb.example.com,   null",
        "lb.example.com:443,    lb.example.com,   443",
        "2001:db8::1,           2001:db8::1,      null",
        "[2001:db8::1],         2001:db8::1,      null",
        "[2001:db8::1]:3478,    2001:db8::1,      3478",
        "203.0.113.10:03478,    203.0.113.10,     3478",
    })
    void publicAddressForms(String arg, String host, String port) {
        assertEquals(Arrays.asList(host, port), Arrays.asList(IceConfigCommand.parseHostPort(arg)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"0.0.0.0", "::", "[::]:3478", "203.0.113.10:0", "203.0.113.10:65536", "203.0.113.10:", "1.2.3.256",
        "[2001:db8::1", "[2001:db8::1]x", "[203.0.113.10]:1", "bad_host", "-lb.example.com", "2001:db8::g",
        "203.0.113.10:http"})
    void badPublicAddresses(String arg) {
        assertNull(IceConfigCommand.parseHostPort(arg));
    }
}
