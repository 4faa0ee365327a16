package io.turngate.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code turngate check} and {@code turngate explain} on the project's CloudRetro manifests and on broken configs. */
class CliTest extends CloudRetroCliCases {
    @Override
    Path cloudretro() {
        try {
            return Path.of(CliTest.class.getResource("/cloudretro").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
            r = run("-u", "-1", "-c", cloudretro().resolve("does-not-matter.yaml").toString());
        } finally {
            System.setErr(err);
        }
        String message = errBytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, r.code(), message);
        assertTrue(message.contains("--udp-thread-num: found -1 (expected: 0 or more)"), message);
        assertFalse(r.out().contains("turngate ready"), r.out());
    }
}
