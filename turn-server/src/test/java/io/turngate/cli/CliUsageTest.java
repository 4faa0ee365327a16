package io.turngate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes a script can rely on: explain's 1 means "denied" only; a question that cannot be asked is 2. */
class CliUsageTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        } finally {
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path config() throws IOException {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "version: v1\nauth: {credentials: {username: a, password: b}}\n"
                + "listeners: [{name: l, routes: [c, ghost]}]\nclusters: [{name: c, endpoints: [10.0.0.1]}]\n");
        return f;
    }

    @Test
    void explainExitsTwoForUsageErrorsAndOneOnlyForADeniedPeer() throws IOException {
        String c = config().toString();
        assertEquals(0, run("explain", "-c", c, "--listener", "l", "--peer", "10.0.0.1").code());
        assertEquals(1, run("explain", "-c", c, "--listener", "l", "--peer", "10.0.0.2").code());
        Run noListener = run("explain", "-c", c, "--listener", "nope", "--peer", "10.0.0.1");
        assertEquals(2, noListener.code());
        assertTrue(noListener.err().contains("listener \"nope\": not found (expected: one of l)"), noListener.err());
        Run badPeer = run("explain", "-c", c, "--listener", "l", "--peer", "not-an-ip");
        assertEquals(2, badPeer.code());
        assertTrue(badPeer.err().contains("expected: IP, IP:PORT or [IPv6]:PORT"), badPeer.err());
        assertEquals(2, run("explain", "-c", c, "--listener", "l").code(), "a missing option");
        assertEquals(2, run("explain", "-c", tmp.resolve("missing.yaml").toString(), "--listener", "l", "--peer",
                "10.0.0.1").code());
    }

    @Test
    void checkReportsARouteWithoutClusterAndReadsAConfigDiscoveryServiceOnce() throws Exception {
        Run r = run("check", "-c", config().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("route \"ghost\" names no cluster (ignored)"), r.out());
        try (CdsTestServer cds = new CdsTestServer().start(0)) {
            cds.upsert("testns/gateway", CdsConfigSourceTest.config(3478, "127.0.0.1", "10.1.0.0/16"));
            Run got = run("check", "-c", cds.origin(), "-g", "testns/gateway");
            assertEquals(0, got.code(), got.err());
            assertTrue(got.out().contains("10.1.0.0/16"), got.out());
            assertEquals(List.of("GET /api/v1/configs/testns/gateway"), cds.requests);
            Run missing = run("check", "-c", cds.origin(), "-g", "testns/nope");
            assertEquals(2, missing.code());
            assertTrue(missing.err().contains("404 Config not found for ID testns/nope"), missing.err());
        }
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        for (String[] args : new String[][] {{"--log-format", "xml"}, {"--max-allocations", "-1"},
            {"--unauthenticated-rate", "-2"}, {"--nonce-lifetime", "0"}, {"--drain-timeout", "soon"},
            {"--id", "no-slash"}, {"-l", "all:LOUD"}, {"--auth-service-endpoint", "ftp://x"},
            {"--integrity", "md5-only"}}) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        }
    }

    @Test
    void integrityFlagReachesTheGatewayOptions() {
        Main strict = new Main(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                java.nio.charset.StandardCharsets.UTF_8));
        new picocli.CommandLine(strict).parseArgs("--integrity", "sha256-required");
        assertEquals(io.turngate.turn.IntegrityPolicy.SHA256_REQUIRED, strict.gatewayOptions().integrity());
        Main byDefault = new Main(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                java.nio.charset.StandardCharsets.UTF_8));
        new picocli.CommandLine(byDefault).parseArgs();
        assertEquals(io.turngate.turn.IntegrityPolicy.SHA1_ALLOWED, byDefault.gatewayOptions().integrity());
    }
}
