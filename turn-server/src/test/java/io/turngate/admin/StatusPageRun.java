package io.turngate.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.turngate.interop.browser.Prerequisites;

/**
 * One run of {@code status-page.js}: Node driving headless Chromium on the status page. It speaks the script's
 * line protocol ({@code PAGE-PID}, {@code PAGE-SHOWN}, {@code PAGE-READING}, {@code PAGE-SHOT}, {@code PAGE-ERROR};
 * commands {@code read}, {@code screenshot PATH}, {@code quit} on stdin), bounds every wait, and on
 * {@link #close()} ends by PID every process of the run still alive: Chromium's helpers, Chromium, then Node.
 */
final class StatusPageRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Every process of this run seen so far; a handle knows its start time, so a reused PID is not ours. */
    private final List<ProcessHandle> handles = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();

    private StatusPageRun(Process node) {
        this.node = node;
        this.commands = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        Thread out = new Thread(this::readStdout, "status-page-stdout-" + node.pid());
        Thread err = new Thread(this::readStderr, "status-page-stderr-" + node.pid());
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /**
     * Starts {@code node status-page.js} on {@code url}, waiting for the row of {@code listener} at most
     * {@code wait} (the script's own bound for the load and for the row; Chromium's start gets twice that) and giving up entirely after
     * {@code max}. Chromium's profile and temporary files go below {@code tmp}.
     */
    static StatusPageRun start(String url, String listener, Path tmp, Duration wait, Duration max) throws IOException {
        Path dir = Prerequisites.browserDir();
        ProcessBuilder pb = new ProcessBuilder(Prerequisites.node().toString(), dir.resolve("status-page.js").toString(),
                "--url", url, "--listener", listener, "--chromium", Prerequisites.chromium().toString(),
                "--wait-ms", Long.toString(wait.toMillis()), "--max-ms", Long.toString(max.toMillis()))
                .directory(dir.toFile());
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("HOME", tmp.toString());
        return new StatusPageRun(pb.start());
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                note(line);
                if (line.startsWith("PAGE-PID ")) {
                    String[] f = line.split(" ");
                    ProcessHandle.of(Long.parseLong(f[2])).ifPresent(this::remember);
                }
                lines.add(line);
            }
        } catch (IOException | RuntimeException e) {
            note("(stdout reader: " + e + ")");
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.err.println("  | " + line);
                note(line);
            }
        } catch (IOException e) {
            note("(stderr reader: " + e + ")");
        }
    }

    private void note(String line) {
        synchronized (transcript) {
            transcript.append(line).append('\n');
        }
    }

    private void remember(ProcessHandle h) {
        synchronized (handles) {
            if (!handles.contains(h)) {
                handles.add(h);
            }
        }
    }

    /** Notes Node's whole process tree while it stands (Chromium's helpers are gone from it once Chromium ends). */
    private void rememberDescendants() {
        node.toHandle().descendants().forEach(this::remember);
    }

    /** Waits for the row to be shown; its first reading. */
    JsonNode awaitShown(Duration d) throws IOException, InterruptedException {
        JsonNode r = await("PAGE-SHOWN ", d);
        rememberDescendants();
        return r;
    }

    /** What the listener row shows now. */
    JsonNode read(Duration d) throws IOException, InterruptedException {
        send("read");
        return await("PAGE-READING ", d);
    }

    /** Saves a full-page PNG to {@code file}. */
    void screenshot(Path file, Duration d) throws IOException, InterruptedException {
        send("screenshot " + file.toAbsolutePath());
        await("PAGE-SHOT ", d);
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    /**
     * The JSON after {@code prefix} on the next line that has it (lines before it are skipped), within {@code d}.
     *
     * @throws AssertionError on {@code PAGE-ERROR}, on timeout, or when Node exits first, with the transcript
     */
    private JsonNode await(String prefix, Duration d) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no " + prefix.trim() + " line from status-page.js within " + d.toMillis()
                        + " ms" + (node.isAlive() ? "" : " (Node exited with " + node.exitValue() + ")") + why());
            }
            if (line.startsWith("PAGE-ERROR ")) {
                throw new AssertionError("status-page.js: " + line.substring("PAGE-ERROR ".length()) + why());
            }
            if (line.startsWith(prefix)) {
                String rest = line.substring(prefix.length());
                return rest.startsWith("{") ? JSON.readTree(rest) : JSON.getNodeFactory().textNode(rest);
            }
        }
    }

    /** Everything the run printed, for failure messages. */
    String why() {
        synchronized (transcript) {
            return "\n--- status-page.js transcript ---\n" + transcript + "---";
        }
    }

    /**
     * Asks the script to quit (it closes Chromium) and waits a little; then ends, by PID, every process of the run
     * still alive, newest first, and Node last.
     */
    @Override
    public void close() {
        if (node.isAlive()) {
            rememberDescendants();
            try {
                send("quit");
                node.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // Node is gone or its stdin closed: the kills below still run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ProcessHandle> victims;
        synchronized (handles) {
            victims = new ArrayList<>(handles);
        }
        victims.sort(Comparator.comparingLong(ProcessHandle::pid).reversed());
        for (ProcessHandle h : victims) {
            h.destroyForcibly(); // a no-op for a handle whose process ended, even if its PID was reused since
        }
        node.destroyForcibly();
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("status page: process " + h.pid() + " did not end: " + e);
            }
        }
        try {
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                System.err.println("status page: node " + node.pid() + " did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
