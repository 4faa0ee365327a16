package io.turngate.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Logging set-up over {@code java.util.logging} with stunnerd's level spec: a comma list of {@code scope:LEVEL}
 * where scope {@code all} sets every logger, e.g. {@code all:INFO,turn:DEBUG}. Levels: ERROR, WARN, INFO, DEBUG,
 * TRACE, DISABLE. Each scope is the logger {@code turngate.<scope>}.
 *
 * <p>One line per record: {@code 2026-11-26T06:50:00.123Z INFO turn: message}. Never log secrets.
 */
public final class Logs {
    /** Root logger name; scopes hang below it. */
    public static final String ROOT = "turngate";
    /** Scopes used by the server: turn (protocol), relay (data path), config, server, admin, auth. */
    private static final Map<String, Logger> LOGGERS = new ConcurrentHashMap<>();
    private static volatile boolean configured;

    private Logs() {
    }

    /** The logger of one scope, e.g. {@code Logs.get("turn")}. */
    public static Logger get(String scope) {
        ensureConfigured();
        return LOGGERS.computeIfAbsent(scope, s -> Logger.getLogger(ROOT + "." + s));
    }

    private static synchronized void ensureConfigured() {
        if (configured) {
            return;
        }
        configured = true;
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger(ROOT);
        root.setUseParentHandlers(false);
        root.setLevel(Level.INFO);
        root.addHandler(stdoutHandler(System.out));
    }

    private static Handler stdoutHandler(PrintStream out) {
        StreamHandler h = new StreamHandler(out, new LineFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        h.setLevel(Level.ALL);
        return h;
    }

    /**
     * Applies a level spec such as {@code all:INFO,turn:DEBUG}.
     *
     * @throws IllegalArgumentException naming the bad part and the expected form
     */
    public static void configure(String spec) {
        ensureConfigured();
        if (spec == null || spec.isBlank()) {
            return;
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            String scope = colon < 0 ? "all" : p.substring(0, colon).trim();
            String levelName = colon < 0 ? p : p.substring(colon + 1).trim();
            Level level = parseLevel(levelName);
            if (level == null) {
                throw new IllegalArgumentException("log level \"" + levelName + "\" in \"" + spec
                        + "\" (expected: scope:LEVEL with LEVEL one of ERROR, WARN, INFO, DEBUG, TRACE, DISABLE)");
            }
            if (scope.equals("all")) {
                Logger.getLogger(ROOT).setLevel(level);
                for (Logger l : LOGGERS.values()) {
                    l.setLevel(null); // inherit from root
                }
            } else {
                get(scope).setLevel(level);
            }
        }
    }

    static Level parseLevel(String s) {
        switch (s.toUpperCase(Locale.ROOT)) {
            case "ERROR": return Level.SEVERE;
            case "WARN": case "WARNING": return Level.WARNING;
            case "INFO": return Level.INFO;
            case "DEBUG": return Level.FINE;
            case "TRACE": return Level.FINEST;
            case "DISABLE": case "OFF": return Level.OFF;
            default: return null;
        }
    }

    static String levelName(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            String name = r.getLoggerName();
            String scope = name != null && name.startsWith(ROOT + ".") ? name.substring(ROOT.length() + 1) : name;
            StringBuilder sb = new StringBuilder(128)
                    .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(levelName(r.getLevel())).append(' ')
                    .append(scope).append(": ")
                    .append(formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(": ").append(r.getThrown());
                for (StackTraceElement e : r.getThrown().getStackTrace()) {
                    sb.append("\n\tat ").append(e);
                }
            }
            return sb.append('\n').toString();
        }
    }
}
