package io.turngate.server;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.turngate.config.v1.ConfigException;

import java.util.Locale;

/**
 * Which TLS implementation serves TURN-TLS listeners ({@code --tls-engine}; issue 12 allows "the JDK's or OpenSSL's
 * engine where available"). {@link #AUTO}, the default, takes OpenSSL (BoringSSL from {@code
 * netty-tcnative-boringssl-static}) when its native library loads and the JDK's {@code SSLEngine} otherwise (another
 * platform than Linux x86-64, a {@code /tmp} mounted {@code noexec}, {@code -Dio.netty.handler.ssl.noOpenSsl=true});
 * {@link #JDK} forces the JDK's; {@link #OPENSSL} requires OpenSSL and fails the TLS listener when it cannot load.
 *
 * <p>Why OpenSSL: the JDK's engine costs about a quarter of TLS throughput against coturn with 100 allocations of
 * 100-byte messages (one TLS record per message, see {@link StreamClientHandler}); BoringSSL's record layer is the
 * one coturn's OpenSSL has. Both serve the same thing: TLS 1.3 and 1.2 ({@link TlsCertificates#PROTOCOLS}), the
 * listener's certificate, the handshake timeout of the {@code SslHandler}.
 *
 * <p>OpenSSL serves as {@link SslProvider#OPENSSL_REFCNT}: reference-counted contexts and engines instead of
 * {@link SslProvider#OPENSSL}'s finalizers, which Netty's {@code SslProvider} documents as the way to release native
 * memory without waiting for the garbage collector. The {@code SslHandler} releases its engine when the connection
 * closes, and each engine holds a reference to its context; the listener holds one more, released when the context
 * is replaced for good or the listener stops ({@link StreamListener}), so a reloaded certificate lives as long as the
 * connections that use it.
 */
public enum TlsEngine {
    AUTO, OPENSSL, JDK;

    /** The engine that serves a listener and, for {@link #AUTO} without OpenSSL, why not OpenSSL. */
    record Choice(TlsEngine engine, String fallbackReason) {
        SslProvider provider() {
            return engine == OPENSSL ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
        }

        /** For the start line and {@code /status}: {@code openssl} or {@code jdk}. */
        String wire() {
            return engine.wire();
        }

        /** The start line's words: "OpenSSL engine (BoringSSL ...)" or "JDK engine (OpenSSL unavailable: ...)". */
        String describe() {
            if (engine == OPENSSL) {
                return "OpenSSL engine (" + OpenSsl.versionString() + ")";
            }
            return fallbackReason == null ? "JDK engine" : "JDK engine (OpenSSL unavailable: " + fallbackReason + ")";
        }
    }

    /** The flag's spelling. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code auto}, {@code openssl} or {@code jdk}, in any case. */
    public static TlsEngine parse(String s) {
        for (TlsEngine e : values()) {
            if (e.wire().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("found '" + s + "' (expected: auto, openssl or jdk)");
    }

    /** What this choice serves on this machine. */
    Choice choose(String listener) throws ConfigException {
        return choose(listener, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
    }

    /**
     * What this choice serves, given whether OpenSSL loads and why not: the JDK's engine for {@link #JDK} and for
     * {@link #AUTO} without OpenSSL (with the reason), OpenSSL otherwise.
     *
     * @throws ConfigException {@link #OPENSSL} when OpenSSL does not load
     */
    Choice choose(String listener, boolean opensslAvailable, Throwable cause) throws ConfigException {
        switch (this) {
            case JDK:
                return new Choice(JDK, null);
            case OPENSSL:
                if (!opensslAvailable) {
                    throw new ConfigException("listeners[" + listener + "]: --tls-engine openssl, but OpenSSL is not"
                            + " available (" + reason(cause) + "; expected: netty-tcnative's native library for this"
                            + " platform, or --tls-engine auto or jdk)");
                }
                return new Choice(OPENSSL, null);
            default:
                return opensslAvailable ? new Choice(OPENSSL, null) : new Choice(JDK, reason(cause));
        }
    }

    /** The innermost cause's class and first line: e.g. an UnsatisfiedLinkError naming the library. */
    private static String reason(Throwable cause) {
        if (cause == null) {
            return "no reason given";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (msg.length() > 160) {
            msg = msg.substring(0, 160) + "...";
        }
        return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
}
