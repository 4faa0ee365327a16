package io.turngate.interop.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import io.turngate.log.Logs;

/**
 * Collects the log lines of an in-process gateway (the {@code turngate} logger tree of {@link Logs}) while it is
 * attached, so that a scene can count, say, the permission-denied lines its refusal produced.
 */
public final class LogTap implements AutoCloseable {
    private final Logger root;
    private final List<String> lines = new ArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter fmt = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            String line = r.getLevel() + " " + r.getLoggerName() + ": " + fmt.formatMessage(r);
            synchronized (lines) {
                lines.add(line);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogTap() {
        Logs.get("turn"); // sets the tree up first: its set-up resets JUL and would drop a handler added earlier
        this.root = Logger.getLogger(Logs.ROOT);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Starts collecting. */
    public static LogTap attach() {
        return new LogTap();
    }

    /** Every line collected so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines containing {@code needle}, compared case-insensitively. */
    public List<String> matching(String needle) {
        String n = needle.toLowerCase(java.util.Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String l : lines()) {
            if (l.toLowerCase(java.util.Locale.ROOT).contains(n)) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }
}
