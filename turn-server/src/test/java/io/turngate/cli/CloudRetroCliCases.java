package io.turngate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code turngate check} and {@code turngate explain} on the CloudRetro manifests in {@link #cloudretro()}: the
 * project's own copy ({@link CliTest}) or STUNner's files in {@code ../shared} ({@link CliUpstreamTest}).
 */
abstract class CloudRetroCliCases {
    static final String LISTENER = "stunner/udp-gateway/udp-listener";

    /** A directory with the CloudRetro demo's manifests. */
    abstract Path cloudretro();

    @TempDir
    Path tmp;

    record Run(int code, String out) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    /** The CloudRetro manifests, unchanged, plus an EndpointSlice with the two worker pod IPs. */
    Path cloudretroWithEndpoints() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("cloudretro"));
        try (var files = Files.list(cloudretro())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Files.writeString(dir.resolve("endpointslice.yaml"), String.join("\n",
                "apiVersion: discovery.k8s.io/v1",
                "kind: EndpointSlice",
                "metadata:",
                "  name: worker-ci-udp-svc-x1",
                "  namespace: cloudretro",
                "  labels: {kubernetes.io/service-name: worker-ci-udp-svc}",
                "addressType: IPv4",
                "endpoints:",
                "  - addresses: [10.244.1.17]",
                "  - addresses: [10.244.2.9]", ""));
        return dir;
    }

    @Test
    void checkPrintsTheRenderedConfigWithoutSecretsAndTheRouteTable() throws IOException {
        Run r = run("check", "-c", cloudretroWithEndpoints().toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("\"name\" : \"" + LISTENER + "\""), r.out());
        assertTrue(r.out().contains("route stunner/worker-udp-route (STATIC, UDP)"), r.out());
        assertTrue(r.out().contains("10.244.2.9"), r.out());
        assertTrue(r.out().contains("<SECRET>"), r.out());
        assertFalse(r.out().contains("pass-1"), "check must not print the password unless asked");
    }

    @Test
    void explainAllowsARoutedWorkerAndDeniesAnythingElse() throws IOException {
        Path dir = cloudretroWithEndpoints();
        Run ok = run("explain", "-c", dir.toString(), "--listener", LISTENER, "--peer", "10.244.1.17:8443");
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().startsWith("ALLOWED"), ok.out());
        Run denied = run("explain", "-c", dir.toString(), "--listener", LISTENER, "--peer", "10.244.9.9:8443");
        assertEquals(1, denied.code(), denied.out());
        assertTrue(denied.out().contains("no route to endpoint"), denied.out());
        Run loopback = run("explain", "-c", dir.toString(), "--listener", LISTENER, "--peer", "::ffff:127.0.0.1");
        assertEquals(1, loopback.code(), loopback.out());
    }

    @Test
    void explainOfTheUnchangedCloudRetroFilesCannotDecideTheDnsCluster() {
        Run r = run("explain", "-c", cloudretro().toString(), "--listener", LISTENER, "--peer", "10.244.1.17");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("STRICT_DNS"), r.out());
    }
}
