package io.turngate.config.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches one config file for {@code stunnerd -w} (stunner-compat §1b) and hands over its text whenever the
 * content actually changes.
 *
 * <p>Two mechanisms run on one daemon thread: a {@link WatchService} on the file's parent directory (inotify on
 * Linux) for quick reaction, and a poll every {@code pollInterval} (default 1 s) that re-reads the file, so
 * nothing is missed whatever the update style: in-place writes, replace-by-rename, delete-then-recreate, a
 * Kubernetes ConfigMap volume swapping its {@code ..data} symlink, or a symlink pointing into another directory.
 * A removed file is reported once and then waited for; it is delivered again when it returns with different
 * content. A change is only delivered once two reads 50 ms apart agree, so a file caught mid-write is rarely
 * delivered (one that is fails to parse, and the caller keeps its running config).
 *
 * <p>Callbacks run on the watcher thread, one at a time; they should not block for long. The watcher only
 * delivers text: parsing (and rejecting) it is the caller's business.
 */
public final class ConfigWatcher implements AutoCloseable {
    /** stunnerd re-checks a removed file every second; so does the poll here. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    private static final long SETTLE_MILLIS = 50;
    private static final int MAX_SETTLE_READS = 10;

    private final Path file;
    private final Path dir;
    private final Consumer<String> onContent;
    private final Consumer<String> onProblem;
    private final long pollMillis;

    private Thread thread;
    private WatchService watchService;
    private volatile boolean running;

    // watcher-thread state
    private String last;
    private String lastProblem;

    /** A watcher that ignores problems (missing file, read errors). */
    public ConfigWatcher(Path file, Consumer<String> onContent) {
        this(file, onContent, problem -> { }, DEFAULT_POLL_INTERVAL);
    }

    /**
     * @param file      the config file (may be a symlink, may not exist yet)
     * @param onContent receives the file text when it changed
     * @param onProblem receives a one-line description when the file disappears or cannot be read (once per
     *                  distinct problem, never containing file content)
     */
    public ConfigWatcher(Path file, Consumer<String> onContent, Consumer<String> onProblem) {
        this(file, onContent, onProblem, DEFAULT_POLL_INTERVAL);
    }

    /** As above with an explicit poll interval (at least 10 ms). */
    public ConfigWatcher(Path file, Consumer<String> onContent, Consumer<String> onProblem, Duration pollInterval) {
        this.file = file.toAbsolutePath().normalize();
        this.dir = this.file.getParent();
        this.onContent = Objects.requireNonNull(onContent, "onContent");
        this.onProblem = Objects.requireNonNull(onProblem, "onProblem");
        this.pollMillis = Math.max(10, pollInterval.toMillis());
    }

    /** Starts watching; the current content (if the file exists) is delivered first, on the watcher thread. */
    public void start() {
        start(null);
    }

    /**
     * Starts watching with a baseline: {@code knownContent} (typically what the caller just loaded) is not
     * delivered again, only changes from it are. {@code null} means no baseline.
     */
    public synchronized void start(String knownContent) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        last = knownContent;
        try {
            watchService = file.getFileSystem().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            watchService = null; // polling alone still works
        }
        running = true;
        thread = new Thread(this::run, "config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** True between {@link #start()} and {@link #close()}. */
    public boolean isRunning() {
        return running;
    }

    /** Stops the thread (waits up to 2 s for a running callback to return). Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            if (watchService != null) {
                try {
                    watchService.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        WatchKey key = watchService == null ? null : register();
        check();
        while (running) {
            try {
                if (watchService != null && (key == null || !key.isValid())) {
                    key = register();
                }
                WatchKey fired = watchService == null ? null : watchService.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (watchService == null) {
                    Thread.sleep(pollMillis);
                }
                while (fired != null) {
                    fired.pollEvents();
                    fired.reset();
                    fired = watchService.poll(); // drain a burst (rename = delete + create)
                }
                check();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                report("config watcher: " + e.getClass().getSimpleName() + " (continuing)");
            }
        }
    }

    private WatchKey register() {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        try {
            return dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.OVERFLOW);
        } catch (IOException | ClosedWatchServiceException e) {
            return null; // the poll covers it; retried next round (or the watcher is closing)
        }
    }

    /**
     * Reads the file and delivers it when changed. A change is confirmed by re-reading until two reads 50 ms
     * apart agree, so a file caught mid-write (truncated, half written) is not delivered.
     */
    private void check() {
        if (!running) {
            return;
        }
        String content;
        try {
            content = read();
            if (content.equals(last)) {
                lastProblem = null;
                return;
            }
            for (int i = 0; i < MAX_SETTLE_READS && running; i++) {
                Thread.sleep(SETTLE_MILLIS);
                String again = read();
                if (again.equals(content)) {
                    break;
                }
                content = again;
            }
        } catch (NoSuchFileException e) {
            report(file + ": missing (expected: the config file; watching for it to return)");
            return;
        } catch (IOException e) {
            report(file + ": " + e.getClass().getSimpleName() + " (expected: a readable config file)");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        lastProblem = null;
        if (!running || content.equals(last)) {
            return;
        }
        last = content;
        try {
            onContent.accept(content);
        } catch (RuntimeException e) {
            report("config watcher callback failed: " + e.getClass().getSimpleName());
        }
    }

    private String read() throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private void report(String problem) {
        if (problem.equals(lastProblem)) {
            return;
        }
        lastProblem = problem;
        try {
            onProblem.accept(problem);
        } catch (RuntimeException e) {
            // a broken problem sink must not stop the watcher
        }
    }
}
