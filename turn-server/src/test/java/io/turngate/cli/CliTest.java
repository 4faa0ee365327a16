package io.turngate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code turngate check} and {@code turngate explain} on the CloudRetro manifests and on broken configs. */
class CliTest {
    private static final Path CLOUDRETRO = Paths.get(System.getProperty("turngate.shared", "../../shared"),
            "fixtures", "stunner", "cloudretro");
    private static final String LISTENER = "stunner/udp-gateway/udp-listener";

    @TempDir
    Path tmp;

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    /** The CloudRetro manifests, unchanged, plus an EndpointSlice with the two worker pod IPs. */
    private Path cloudretroWithEndpoints() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("cloudretro"));
        try (var files = Files.list(CLOUDRETRO)) {
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
        Run r = run("explain", "-c", CLOUDRETRO.toString(), "--listener", LISTENER, "--peer", "10.244.1.17");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("STRICT_DNS"), r.out());
    }

    @Test
    void checkListsEveryProblemOfABrokenConfigAndExitsNonZero() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, String.join("\n",
                "version: v1",
                "auth: {type: static, credentials: {username: u, password: p}}",
                "listeners:",
                "  - {name: a, port: 70000}",
                "  - {name: a, protocol: SCTP}",
                "clusters:",
                "  - {name: c, endpoints: [\"10.0.0.1/33\"]}", ""));
        PrintStream err = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        Run r;
        try {
            r = run("check", "-c", bad.toString());
        } finally {
            System.setErr(err);
        }
        String problems = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, r.code());
        assertTrue(problems.contains("listeners[0].port: 70000 (expected: 1..65535)"), problems);
        assertTrue(problems.contains("listeners[1].name"), problems);
        assertTrue(problems.contains("listeners[1].protocol"), problems);
        assertTrue(problems.contains("clusters[0].endpoints[0]"), problems);
    }

    @Test
    void aNegativeUdpThreadNumIsRefusedBeforeAnythingStarts() {
        PrintStream err = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        Run r;
        try {
            r = run("-u", "-1", "-c", CLOUDRETRO.resolve("does-not-matter.yaml").toString());
        } finally {
            System.setErr(err);
        }
        String message = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, r.code(), message);
        assertTrue(message.contains("--udp-thread-num: found -1 (expected: 0 or more)"), message);
        assertFalse(r.out().contains("turngate ready"), r.out());
    }
}
