package io.turngate.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logging over SLF4J and Logback with stunnerd's level spec: a comma list of {@code scope:LEVEL} where scope
 * {@code all} sets every turngate logger, e.g. {@code all:INFO,turn:DEBUG}. Levels: ERROR, WARN, INFO, DEBUG, TRACE,
 * DISABLE. Each scope is the logger {@code turngate.<scope>}: turn (protocol), relay (data path), config, server,
 * admin, auth.
 *
 * <p>Two formats ({@code --log-format}): {@code text}, one line per event
 * ({@code 2026-11-26T06:50:00.123Z INFO turn: message}), and {@code json}, one JSON object per line (Logback's
 * {@link JsonEncoder}) for Kubernetes log pipelines. Both go to standard output. Never log secrets.
 */
public final class Logs {
    /** Root logger name; scopes hang below it. */
    public static final String ROOT = "turngate";
    /** The text format (also in {@code logback.xml}): ISO-8601 UTC time, stunnerd's level names, the scope. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %level %logger{0}: %msg%n%ex";
    private static final String APPENDER = "turngate-stdout";
    private static final Map<String, Logger> LOGGERS = new ConcurrentHashMap<>();
    /** The format in use; {@code logback.xml} (on the class path) starts in {@link Format#TEXT}. */
    private static volatile Format format = Format.TEXT;

    /** {@code --log-format}. */
    public enum Format {
        TEXT, JSON;

        /**
         * Parses {@code text} or {@code json} (any case).
         *
         * @throws IllegalArgumentException naming the value and the expected ones
         */
        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("log format \"" + s + "\" (expected: text or json)");
        }
    }

    private Logs() {
    }

    /** The logger of one scope, e.g. {@code Logs.get("turn")}. */
    public static Logger get(String scope) {
        return LOGGERS.computeIfAbsent(scope, s -> LoggerFactory.getLogger(ROOT + "." + s));
    }

    /** Switches every log line to {@code f} (turngate's console appender gets a new encoder). */
    public static synchronized void setFormat(Format f) {
        if (f == format) {
            return;
        }
        LoggerContext ctx = context();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setEncoder(encoder(ctx, f));
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        format = f;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, Format f) {
        if (f == Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    /**
     * Applies a level spec such as {@code all:INFO,turn:DEBUG}: {@code all} sets the level of the whole turngate tree
     * (and drops earlier per-scope levels), any other scope sets that scope only. Checked whole before anything is
     * applied.
     *
     * @throws IllegalArgumentException naming the bad part and the expected form
     */
    public static synchronized void configure(String spec) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        Map<String, Level> parsed = new java.util.LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.indexOf(':');
            String scope = colon < 0 ? "all" : p.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String levelName = colon < 0 ? p : p.substring(colon + 1).trim();
            Level level = parseLevel(levelName);
            if (level == null || scope.isEmpty()) {
                throw new IllegalArgumentException("log level \"" + p + "\" in \"" + spec
                        + "\" (expected: scope:LEVEL with LEVEL one of ERROR, WARN, INFO, DEBUG, TRACE, DISABLE)");
            }
            parsed.put(scope, level);
        }
        LoggerContext ctx = context();
        for (Map.Entry<String, Level> e : parsed.entrySet()) {
            if (e.getKey().equals("all")) {
                ctx.getLogger(ROOT).setLevel(e.getValue());
                for (ch.qos.logback.classic.Logger l : ctx.getLoggerList()) {
                    if (l.getName().startsWith(ROOT + ".")) {
                        l.setLevel(null); // inherit from the turngate root
                    }
                }
            }
        }
        for (Map.Entry<String, Level> e : parsed.entrySet()) {
            if (!e.getKey().equals("all")) {
                ctx.getLogger(ROOT + "." + e.getKey()).setLevel(e.getValue());
            }
        }
    }

    /** The effective level name (stunnerd's words) of a scope, e.g. for {@code /status}. */
    public static String levelOf(String scope) {
        Level l = context().getLogger(ROOT + "." + scope).getEffectiveLevel();
        return l == Level.OFF ? "DISABLE" : l.toString();
    }

    static Level parseLevel(String s) {
        switch (s.toUpperCase(Locale.ROOT)) {
            case "ERROR": return Level.ERROR;
            case "WARN": case "WARNING": return Level.WARN;
            case "INFO": return Level.INFO;
            case "DEBUG": return Level.DEBUG;
            case "TRACE": return Level.TRACE;
            case "DISABLE": case "OFF": return Level.OFF;
            default: return null;
        }
    }

    /** {@code ip:port}, {@code [v6]:port} for IPv6; never the {@code /ip:port} of {@link InetSocketAddress#toString}. */
    public static String hostPort(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        InetAddress ip = a.getAddress();
        // RFC 5952 text for IPv6 ([::1]:3478, not [0:0:0:0:0:0:0:1]:3478)
        String host = ip == null ? a.getHostString() : io.netty.util.NetUtil.toAddressString(ip);
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
