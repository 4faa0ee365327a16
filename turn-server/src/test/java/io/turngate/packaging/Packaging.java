package io.turngate.packaging;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the packaging files are (the project root: {@code Dockerfile}, {@code k8s/}, the {@code stunnerd} launcher)
 * and how the packaging tests run the tools they need. A missing tool skips the test with a banner on stderr, except
 * under {@code CI=true}, where it fails.
 */
final class Packaging {
    /** The project root: property {@code turngate.root} (set by surefire and failsafe), else the module's parent. */
    static final Path ROOT = Path.of(System.getProperty("turngate.root", "..")).toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("turn-server/src/main/sh/stunnerd");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
    static final Path K8S = ROOT.resolve("k8s");

    private static final Set<String> BANNERS = ConcurrentHashMap.newKeySet();

    private Packaging() {
    }

    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The executable {@code name} on PATH, or skips the test (fails it under {@code CI=true}) naming what is missing. */
    static Path requireTool(String name, String why) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return missing(name + " not found on PATH (" + why + ")");
    }

    /** Skips the test with a banner, or fails it under {@code CI=true}. */
    static <T> T missing(String what) {
        if (onCi()) {
            banner("FAILED: " + what + "; CI=true requires it");
            return Assertions.fail("CI=true: " + what);
        }
        banner("SKIPPED: " + what);
        Assumptions.assumeTrue(false, what);
        throw new AssertionError("unreachable");
    }

    private static void banner(String line) {
        if (BANNERS.add(line)) {
            System.err.println("[packaging] " + line);
            System.err.flush();
        }
    }

    /** What a finished process printed and its exit code. */
    record Result(int exitCode, String stdout, String stderr) {
        String both() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs {@code command} in {@code dir} with exactly {@code env}, waits at most {@code timeoutSeconds}. */
    static Result run(List<String> command, Map<String, String> env, Path dir, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("packaging-out", ".txt");
            Path err = Files.createTempFile("packaging-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (InputStream ignored = p.getInputStream()) {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    Assertions.fail(command + ": still running after " + timeoutSeconds + " s\n"
                            + Files.readString(out) + Files.readString(err));
                }
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Writes an executable shell script. */
    static Path script(Path file, String... lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add("#!/bin/sh");
        all.addAll(List.of(lines));
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", all) + "\n", StandardCharsets.UTF_8);
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
        return file;
    }

    /** A shell single-quoted word. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
