package io.turngate.interop.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One run of {@code scene.js}: the Node process that drives headless Chromium and starts the worker inside the
 * test's namespace. It reads the scene's stdout protocol ({@code SCENE-PID}, {@code SCENE-ANSWERED},
 * {@code SCENE-CLOSED}, {@code SCENE-CHECK}, {@code SCENE-RESULT}), mirrors the scene's stderr to ours with a
 * prefix, and on {@link #close()} ends by PID every process the scene started that is still alive: Chromium and
 * its helpers, the worker, and Node itself.
 */
public final class SceneRun implements AutoCloseable {
    /**
     * What the scene is started with.
     *
     * @param iceServerUrl the browser's only ICE server, e.g. {@code turn:127.0.0.1:3478?transport=udp},
     *                     {@code turn:127.0.0.1:3478?transport=tcp} or {@code turns:localhost:5349?transport=tcp}
     */
    public record Options(String mode, String iceServerUrl, String username, String password, TestNetns netns,
                          int messages, int frames, Duration timeout) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    /** Every process of this scene seen so far; a handle knows its start time, so a reused PID is not ours. */
    private final List<ProcessHandle> handles = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();
    private final CountDownLatch answered = new CountDownLatch(1);
    private final CountDownLatch closedCall = new CountDownLatch(1);
    private final CountDownLatch resulted = new CountDownLatch(1);
    private volatile Runnable onAnswered = () -> { };
    private volatile String resultJson;
    private final Thread outReader;
    private final Thread errReader;

    private SceneRun(Process process) {
        this.process = process;
        handles.add(process.toHandle());
        this.outReader = new Thread(this::readStdout, "scene-stdout-" + process.pid());
        this.errReader = new Thread(this::readStderr, "scene-stderr-" + process.pid());
        outReader.setDaemon(true);
        errReader.setDaemon(true);
    }

    /**
     * Starts {@code node scene.js} in the browser folder. Chromium's profile and temporary files go below
     * {@code tmp} (a fresh folder of the test), which is also the {@code HOME} of Node and Chromium: the NSS
     * database Chromium trusts on Linux is {@code tmp/.pki/nssdb}. The password reaches the
     * scene through its environment only.
     */
    public static SceneRun start(Options o, Path tmp, Runnable onAnswered) throws IOException {
        Path dir = Prerequisites.browserDir();
        List<String> cmd = List.of(Prerequisites.node().toString(), dir.resolve("scene.js").toString(),
                "--mode", o.mode(), "--ice-url", o.iceServerUrl(), "--user", o.username(), "--netns", o.netns().name(),
                "--chromium", Prerequisites.chromium().toString(),
                "--messages", Integer.toString(o.messages()), "--frames", Integer.toString(o.frames()),
                "--timeout-ms", Long.toString(o.timeout().toMillis()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("TURN_PASSWORD", o.password());
        env.put("TMPDIR", tmp.toString());
        env.put("HOME", tmp.toString());
        SceneRun run = new SceneRun(pb.start());
        run.onAnswered = onAnswered;
        run.outReader.start();
        run.errReader.start();
        return run;
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (transcript) {
                    transcript.append(line.startsWith("SCENE-RESULT ") ? "SCENE-RESULT {...}" : line).append('\n');
                }
                if (line.startsWith("SCENE-PID ")) {
                    String[] f = line.split(" ");
                    ProcessHandle.of(Long.parseLong(f[2])).ifPresent(this::remember);
                } else if (line.equals("SCENE-ANSWERED")) {
                    rememberDescendants();
                    try {
                        onAnswered.run();
                    } finally {
                        answered.countDown();
                    }
                } else if (line.equals("SCENE-CLOSED")) {
                    rememberDescendants();
                    closedCall.countDown();
                } else if (line.startsWith("SCENE-CHECK ")) {
                    synchronized (checks) {
                        checks.add(line.substring("SCENE-CHECK ".length()));
                    }
                } else if (line.startsWith("SCENE-RESULT ")) {
                    resultJson = line.substring("SCENE-RESULT ".length());
                    resulted.countDown();
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (transcript) {
                transcript.append("(stdout reader: ").append(e).append(")\n");
            }
        }
    }

    /**
     * Notes Node's whole process tree while it stands: Chromium's helpers outlive Node by a moment and are then
     * no longer its descendants.
     */
    private void rememberDescendants() {
        process.toHandle().descendants().forEach(this::remember);
    }

    private void remember(ProcessHandle h) {
        synchronized (handles) {
            if (!handles.contains(h)) {
                handles.add(h);
            }
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.err.println("  | " + line);
                synchronized (transcript) {
                    transcript.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            System.err.println("  | (stderr reader: " + e + ")");
        }
    }

    /** Waits until the browser has answered the worker's offer (its relay candidate has been allocated). */
    public boolean awaitAnswered(Duration d) throws InterruptedException {
        return answered.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the browser has closed its PeerConnection. */
    public boolean awaitCallClosed(Duration d) throws InterruptedException {
        return closedCall.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the scene's result line and for Node to exit; the result, or null if none came. */
    public JsonNode awaitResult(Duration d) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + d.toNanos();
        resulted.await(d.toMillis(), TimeUnit.MILLISECONDS);
        long left = Math.max(0, deadline - System.nanoTime());
        process.waitFor(Math.min(left, TimeUnit.SECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
        outReader.join(2000);
        return resultJson == null ? null : JSON.readTree(resultJson);
    }

    /** The scene's own check lines ({@code ok <name>} or {@code FAIL <name>}). */
    public List<String> checks() {
        synchronized (checks) {
            return List.copyOf(checks);
        }
    }

    /** Everything the scene printed, for failure messages. */
    public String transcript() {
        synchronized (transcript) {
            return transcript.toString();
        }
    }

    /** Node's exit status, or null while it runs. */
    public Integer exitValue() {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * Ends, by PID, every process of this scene still alive: first the descendants of Node (Chromium and its
     * helpers, the worker), deepest first, then the PIDs the scene announced, then Node.
     */
    @Override
    public void close() {
        rememberDescendants();
        List<ProcessHandle> victims;
        synchronized (handles) {
            victims = new ArrayList<>(handles);
        }
        victims.remove(process.toHandle());
        // Newest first: helpers before the processes that started them.
        victims.sort(Comparator.comparingLong(ProcessHandle::pid).reversed());
        for (ProcessHandle h : victims) {
            h.destroyForcibly(); // a no-op for a handle whose process has ended, even if its PID was reused
        }
        process.destroyForcibly();
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("scene process " + h.pid() + " did not end: " + e);
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
