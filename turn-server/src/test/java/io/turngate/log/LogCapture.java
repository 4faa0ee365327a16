package io.turngate.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Collects the log events of turngate's logger tree ({@value Logs#ROOT} and below) while open, whatever the levels
 * say about output: tests count the lines a behaviour produced (e.g. exactly one "permission denied" line).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final Logger root;

    private LogCapture() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(ctx);
        setName("test-capture");
        start();
        root = ctx.getLogger(Logs.ROOT);
        root.addAppender(this);
    }

    /** Starts collecting. */
    public static LogCapture attach() {
        return new LogCapture();
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
    }

    /** The formatted messages so far. */
    public synchronized List<String> messages() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            out.add(e.getFormattedMessage());
        }
        return out;
    }

    /** {@code LEVEL logger: message} lines so far. */
    public synchronized List<String> lines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            out.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
        }
        return out;
    }

    /** How many messages are exactly {@code message}. */
    public long count(String message) {
        return messages().stream().filter(message::equals).count();
    }

    /** The lines containing {@code needle}, compared case-insensitively. */
    public List<String> matching(String needle) {
        String n = needle.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String l : lines()) {
            if (l.toLowerCase(Locale.ROOT).contains(n)) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
