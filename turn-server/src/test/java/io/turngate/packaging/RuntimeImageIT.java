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
 * ice-config} (the launcher under the name the image links it as) prints the CloudRetro ICE servers. The image's
 * training run ({@code k8s/image/cds-archive.sh}) makes a class-data sharing archive that the next start maps.
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
    void theImagesTrainingRunMakesAClassDataArchiveThatTheLauncherMapsAtTheNextStart() throws Exception {
        int udp = LauncherRun.freeUdpPort();
        int health = LauncherRun.freeTcpPort();
        int metrics = LauncherRun.freeTcpPort();
        String config = LauncherRun.config(tmp, udp, health, metrics).toString();
        Path archive = tmp.resolve("turngate.jsa");
        String jar = LauncherRun.builtJar().toString();
        // As the Dockerfile runs it, with a config on free loopback ports instead of the built-in default.
        Packaging.Result made = Packaging.run(List.of("sh", Packaging.K8S.resolve("image/cds-archive.sh").toString(),
                Packaging.LAUNCHER.toString(), jar, archive.toString(), "-c", config), env(), tmp, 120);
        assertEquals(0, made.exitCode(), made.both());
        assertTrue(made.both().contains("self-warm-up: ") && made.both().contains("--exit-when-ready: shutting down"),
                "the training run warmed up, became ready and exited by itself:\n" + made.both());
        assertTrue(Files.size(archive) > 1024 * 1024, "an archive of turngate's classes: " + Files.size(archive));

        // -Xshare:on: the JVM refuses to start unless it maps the archives it is given; the class-loading log says
        // that turngate's own classes came from the archive that the launcher names (the "top" one).
        Map<String, String> env = env();
        env.put("TURNGATE_CDS_ARCHIVE", archive.toString());
        env.put("TURNGATE_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info");
        Packaging.Result mapped = Packaging.run(List.of(Packaging.LAUNCHER.toString(), "-c", config, "--no-warm-up",
                "--exit-when-ready"), env, tmp, 60);
        assertEquals(0, mapped.exitCode(), "the archive maps on the runtime with the jar it was made for:\n" + mapped.both());
        assertTrue(mapped.both().contains("turngate ready"), mapped.both());
        assertTrue(mapped.stdout().contains("io.turngate.cli.Main source: shared objects file (top)"),
                "turngate's classes are mapped from the archive, not read from the jar");

        // An archive made for another jar (here: the same bytes, another path and time) is skipped, not fatal.
        Path other = tmp.resolve("other/turngate.jar");
        Files.createDirectories(other.getParent());
        Files.copy(LauncherRun.builtJar(), other, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        env.put("TURNGATE_JAR", other.toString());
        env.remove("TURNGATE_JAVA_OPTS");
        Packaging.Result stale = Packaging.run(List.of(Packaging.LAUNCHER.toString(), "-c", config, "--no-warm-up",
                "--exit-when-ready"), env, tmp, 60);
        assertEquals(0, stale.exitCode(), stale.both());
        assertTrue(stale.both().contains("turngate ready"), stale.both());
        assertTrue(stale.both().contains("Unable to use shared archive"), "the JVM says why it skipped it:\n" + stale.both());
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
