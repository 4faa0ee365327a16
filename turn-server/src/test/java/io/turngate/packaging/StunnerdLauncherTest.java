package io.turngate.packaging;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code stunnerd} launcher with a stand-in {@code java} that prints what it was given: the operator's arguments
 * and environment reach turngate unchanged (an {@code http://} config origin included), and the JVM options follow
 * the container's memory limit. {@code StunnerdLauncherIT} runs the same launcher on the real jar.
 */
class StunnerdLauncherTest {
    /** The environment STUNner's operator gives the dataplane container (stunner-compat §1f). */
    static final Map<String, String> OPERATOR_ENV = Map.of(
            "STUNNER_ADDR", "10.244.1.5",
            "STUNNER_NAME", "udp-gateway",
            "STUNNER_NAMESPACE", "stunner",
            "STUNNER_NODENAME", "kind-worker",
            "STUNNER_CONFIG_ORIGIN", "http://10.244.0.12:13478");

    @TempDir
    Path tmp;
    private Path jar;
    private Path bin;
    private Path cgroup;

    @BeforeEach
    void standIns() throws IOException {
        jar = Files.writeString(tmp.resolve("turngate.jar"), "not a jar: the stand-in java never opens it");
        bin = tmp.resolve("bin");
        // One line per argument (so spaces inside one stay visible), then the STUNNER_* environment, then its pid.
        Packaging.script(bin.resolve("java"),
                "for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; done",
                "env | grep '^STUNNER_' | sort | sed 's/^/ENV /'",
                "echo \"PID $$\"");
        cgroup = Files.createDirectories(tmp.resolve("cgroup"));
    }

    private record Launch(List<String> jvmOptions, List<String> turngateArgs, Map<String, String> env, long pid,
                          Packaging.Result result) {
    }

    private Launch launch(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("TURNGATE_JAR", jar.toString());
        env.put("TURNGATE_CGROUP_DIR", cgroup.toString());
        env.putAll(extraEnv);
        List<String> cmd = new ArrayList<>(List.of(Packaging.LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Packaging.Result r = Packaging.run(cmd, env, tmp, 30);
        assertEquals(0, r.exitCode(), r.both());
        List<String> argv = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        long pid = -1;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("ARG ")) {
                argv.add(line.substring(4));
            } else if (line.startsWith("ENV ")) {
                String kv = line.substring(4);
                seen.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (line.startsWith("PID ")) {
                pid = Long.parseLong(line.substring(4).trim());
            }
        }
        int j = argv.indexOf("-jar");
        assertTrue(j >= 0 && argv.get(j + 1).equals(jar.toString()), "java -jar TURNGATE_JAR: " + argv);
        return new Launch(argv.subList(0, j), argv.subList(j + 2, argv.size()), seen, pid, r);
    }

    @Test
    void theOperatorsArgumentsAndEnvironmentReachTurngateUnchanged() {
        Launch l = launch(OPERATOR_ENV, "-w", "--udp-thread-num=16");
        assertEquals(List.of("-w", "--udp-thread-num=16"), l.turngateArgs());
        assertEquals(OPERATOR_ENV, l.env(), "the operator's environment, http:// config origin included, unchanged");
    }

    @Test
    void anHttpOriginOnTheCommandLineAndOddArgumentsPassThroughUnchanged() {
        Launch l = launch(Map.of(), "-c", "http://stunner-gateway-operator.stunner-system.svc:13478", "-w",
                "--log=all:INFO,turn:DEBUG", "two words", "*", "$HOME", "");
        assertEquals(List.of("-c", "http://stunner-gateway-operator.stunner-system.svc:13478", "-w",
                "--log=all:INFO,turn:DEBUG", "two words", "*", "$HOME", ""), l.turngateArgs());
    }

    @Test
    void theLauncherReplacesItselfWithTheJvmSoSignalsReachTurngate() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("TURNGATE_JAR", jar.toString());
        ProcessBuilder pb = new ProcessBuilder(Packaging.LAUNCHER.toString(), "-w");
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        assertTrue(Files.readString(out).contains("PID " + p.pid() + "\n"),
                "java runs in the launcher's process (exec), so the kubelet's SIGTERM reaches turngate: "
                        + Files.readString(out) + " launcher pid " + p.pid());
    }

    @Test
    void heapAndDirectMemoryFollowACgroupV2MemoryLimit() throws IOException {
        Files.writeString(cgroup.resolve("memory.max"), "536870912\n");
        Launch l = launch(Map.of(), "-w");
        assertEquals(List.of("-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError",
                "-Dio.netty.leakDetection.level=disabled", "-XX:MaxDirectMemorySize=134217728", "-XX:+UseSerialGC"),
                l.jvmOptions(), "512Mi: heap at most 256 MiB, direct buffers at most 128 MiB");
    }

    @Test
    void aCgroupV1LimitCountsAndNoLimitLeavesDirectMemoryToTheJvm() throws IOException {
        Path v1 = Files.createDirectories(cgroup.resolve("memory"));
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "268435456\n");
        assertTrue(launch(Map.of()).jvmOptions().contains("-XX:MaxDirectMemorySize=67108864"));
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "9223372036854771712\n"); // cgroup v1: unlimited
        assertFalse(launch(Map.of()).jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:MaxDirectMemorySize")));
        Files.writeString(cgroup.resolve("memory.max"), "max\n"); // cgroup v2: unlimited (read first)
        List<String> opts = launch(Map.of()).jvmOptions();
        assertFalse(opts.stream().anyMatch(o -> o.startsWith("-XX:MaxDirectMemorySize")), opts.toString());
        assertTrue(opts.contains("-XX:MaxRAMPercentage=50"), opts.toString());
    }

    @Test
    void aCollectorNamedInTheOptionsReplacesSerialAndExtraOptionsComeLast() {
        List<String> opts = launch(Map.of("TURNGATE_JAVA_OPTS", "-XX:+UseG1GC -Dio.netty.leakDetection.level=paranoid"))
                .jvmOptions();
        assertFalse(opts.contains("-XX:+UseSerialGC"), "two collectors would stop the JVM: " + opts);
        assertEquals(List.of("-XX:+UseG1GC", "-Dio.netty.leakDetection.level=paranoid"),
                opts.subList(opts.size() - 2, opts.size()), "later options win: " + opts);
        assertFalse(launch(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC")).jvmOptions().contains("-XX:+UseSerialGC"));
        assertTrue(launch(Map.of("TURNGATE_JAVA_OPTS", "-XX:+UseNUMA -Xlog:gc")).jvmOptions().contains("-XX:+UseSerialGC"),
                "options that only mention GC keep the default collector");
    }

    @Test
    void theClassDataArchiveBesideTheJarIsUsedWhenItExistsAndTheUsersOwnSharingOptionsReplaceIt() throws IOException {
        assertFalse(launch(Map.of()).jvmOptions().stream().anyMatch(o -> o.contains("SharedArchiveFile")),
                "no archive beside the jar: none named");
        Path archive = Files.writeString(tmp.resolve("turngate.jsa"), "a stand-in archive");
        List<String> opts = launch(Map.of()).jvmOptions();
        assertTrue(opts.contains("-XX:SharedArchiveFile=" + archive), "the jar's path with .jsa: " + opts);
        Path other = Files.writeString(tmp.resolve("other.jsa"), "another");
        assertTrue(launch(Map.of("TURNGATE_CDS_ARCHIVE", other.toString())).jvmOptions()
                .contains("-XX:SharedArchiveFile=" + other), "TURNGATE_CDS_ARCHIVE names another one");
        assertFalse(launch(Map.of("TURNGATE_CDS_ARCHIVE", tmp.resolve("missing.jsa").toString())).jvmOptions().stream()
                .anyMatch(o -> o.contains("SharedArchiveFile")), "a missing archive is not named");
        for (String own : List.of("-Xshare:off", "-XX:SharedArchiveFile=/elsewhere.jsa",
                "-XX:ArchiveClassesAtExit=/tmp/new.jsa")) {
            List<String> o = launch(Map.of("TURNGATE_JAVA_OPTS", own)).jvmOptions();
            assertFalse(o.contains("-XX:SharedArchiveFile=" + archive), own + " replaces the launcher's archive: " + o);
            assertEquals(own, o.get(o.size() - 1), o.toString());
        }
        assertFalse(launch(Map.of("JAVA_TOOL_OPTIONS", "-Xshare:off")).jvmOptions()
                .contains("-XX:SharedArchiveFile=" + archive), "JAVA_TOOL_OPTIONS counts too");
        assertTrue(launch(Map.of("TURNGATE_JAVA_OPTS", "-Xshare:on")).jvmOptions()
                .contains("-XX:SharedArchiveFile=" + archive), "-Xshare:on asks for sharing: the archive stays");
    }

    @Test
    void javaHomeWinsOverPath() throws IOException {
        Path home = tmp.resolve("jre");
        Packaging.script(home.resolve("bin/java"), "echo 'ARG -jar'; echo \"ARG $TURNGATE_JAR\"; echo 'ARG from-java-home'");
        Launch l = launch(Map.of("JAVA_HOME", home.toString()));
        assertEquals(List.of("from-java-home"), l.turngateArgs());
    }

    @Test
    void aMissingJarIsAClearErrorWithExitCode1() {
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "TURNGATE_JAR", tmp.resolve("nope.jar").toString());
        Packaging.Result r = Packaging.run(List.of(Packaging.LAUNCHER.toString(), "-w"), env, tmp, 30);
        assertEquals(1, r.exitCode(), r.both());
        assertEquals("stunnerd: turngate jar not found: " + tmp.resolve("nope.jar")
                + " (expected: the jar from 'mvn package' at TURNGATE_JAR)\n", r.stderr());
        assertEquals("", r.stdout());
    }
}
