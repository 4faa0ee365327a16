package io.turngate.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image's Java runtime, made here by the Dockerfile's own step ({@code k8s/image/jlink-runtime.sh} on the built
 * jar), runs turngate: a module that jdeps cannot see and the script does not add would fail here, not in a pod.
 * The gateway starts on it through the launcher, is ready, answers STUN and serves metrics; {@code turngate
 * ice-config} (the launcher under the name the image links it as) prints the CloudRetro ICE servers.
 */
@Timeout(300)
class RuntimeImageIT {
    @TempDir
    static Path tmp;
    static Path runtime;

    @BeforeAll
    static void jlink() {
        Path jdk = Path.of(System.getProperty("java.home"));
        if (!Files.isExecutable(jdk.resolve("bin/jlink")) || !Files.isExecutable(jdk.resolve("bin/jdeps"))) {
            Packaging.missing("jlink and jdeps not in " + jdk + " (the tests need a JDK, not a JRE)");
        }
        runtime = tmp.resolve("java");
        Packaging.Result r = Packaging.run(List.of("sh", Packaging.K8S.resolve("image/jlink-runtime.sh").toString(),
                        LauncherRun.builtJar().toString(), runtime.toString()),
                Map.of("JAVA_HOME", jdk.toString(), "PATH", "/usr/bin:/bin"), tmp, 240);
        assertEquals(0, r.exitCode(), r.both());
        System.err.println("[packaging] " + r.stderr().trim() + "; runtime " + size(runtime) / (1024 * 1024) + " MiB");
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", runtime.toString());
        env.put("PATH", "/usr/bin:/bin");
        env.put("TURNGATE_JAR", LauncherRun.builtJar().toString());
        return env;
    }

    @Test
    void theRuntimeHasTheModulesLoadedByName() {
        Packaging.Result r = Packaging.run(List.of(runtime.resolve("bin/java").toString(), "--list-modules"), env(), tmp, 60);
        assertEquals(0, r.exitCode(), r.both());
        for (String m : List.of("java.base", "java.management", "jdk.crypto.ec", "jdk.naming.dns", "jdk.management",
                "jdk.unsupported")) {
            assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith(m + "@")), m + " missing:\n" + r.stdout());
        }
        assertTrue(size(runtime) < 120L * 1024 * 1024, "a slim runtime: " + size(runtime) + " bytes");
    }

    @Test
    void turngateRunsOnTheRuntimeThroughTheLauncher() throws Exception {
        int udp = LauncherRun.freeUdpPort();
        int health = LauncherRun.freeTcpPort();
        int metrics = LauncherRun.freeTcpPort();
        Map<String, String> env = env();
        env.put("STUNNER_ADDR", "127.0.0.1");
        env.put("STUNNER_NAME", "udp-gateway");
        env.put("STUNNER_NAMESPACE", "stunner");
        env.put("STUNNER_CONFIG_ORIGIN", LauncherRun.config(tmp, udp, health, metrics).toString());
        try (LauncherRun gw = LauncherRun.start(Packaging.LAUNCHER, env, tmp.resolve("gw.log"), "-w", "--udp-thread-num=2")) {
            assertTrue(LauncherRun.await(() -> LauncherRun.status(health, "/ready") == 200, 60_000),
                    "/ready is not 200 after 60 s on the jlinked runtime:\n" + gw.log());
            LauncherRun.assertBindingAnswered(udp);
            String scrape = LauncherRun.get(metrics, "/metrics").body();
            assertTrue(scrape.contains("stunner_allocations_active"), scrape);
            assertTrue(scrape.contains("jvm_memory_used_bytes"), "JVM metrics (java.management) on the runtime:\n" + scrape);
            assertTrue(gw.log().contains("transport: native epoll"), "Netty's native epoll loads on the runtime:\n" + gw.log());
            assertTrue(gw.log().contains("TURN-UDP sockets on turngate's channel"),
                    "turngate's epoll datagram channel finds Netty's fields on the runtime:\n" + gw.log());
            gw.signal("TERM");
            assertTrue(gw.process.waitFor(20, TimeUnit.SECONDS), gw.log());
            assertEquals(0, gw.process.exitValue(), gw.log());
            assertTrue(!gw.log().contains("Exception"), "no exception on the runtime:\n" + gw.log());
        }
    }

    @Test
    void turngateIceConfigRunsOnTheRuntimeUnderTheImagesSecondName() throws Exception {
        Path turngate = tmp.resolve("bin/turngate");
        Files.createDirectories(turngate.getParent());
        Files.deleteIfExists(turngate);
        Files.createSymbolicLink(turngate, Packaging.LAUNCHER);
        Packaging.Result r = Packaging.run(List.of(turngate.toString(), "ice-config", "-c",
                        Packaging.K8S.resolve("cloudretro/gateway-api/gateway-api.yaml").toString(),
                        "--public-address", "203.0.113.10"), env(), tmp, 60);
        assertEquals(0, r.exitCode(), r.both());
        assertEquals("CLOUD_GAME_WEBRTC_ICESERVERS_0_URL=turn:203.0.113.10:3478?transport=udp\n"
                + "CLOUD_GAME_WEBRTC_ICESERVERS_0_USERNAME=user-1\n"
                + "CLOUD_GAME_WEBRTC_ICESERVERS_0_CREDENTIAL=pass-1\n", r.stdout(), r.both());
    }
}
