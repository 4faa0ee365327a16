package io.turngate.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;

import java.io.ByteArrayInputStream;
import java.util.Base64;

/**
 * The TLS server context of a TURN-TLS listener from its {@code cert} and {@code key} fields (STUNner's: base64 of
 * the PEM certificate chain and of the PEM private key; PKCS#8, and PKCS#1 RSA or SEC1 EC keys through Bouncy
 * Castle's PEM reader), with the JDK's engine (netty-tcnative is not on the class path) and TLS 1.3 and 1.2 only.
 * Errors name the field and the problem, never the certificate or key.
 */
final class TlsCertificates {
    /** TLS versions served: RFC 8656 §3.1 requires TLS for TURN-TLS; older versions are deprecated (RFC 8996). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsCertificates() {
    }

    static SslContext serverContext(ListenerConfig l) throws ConfigException {
        String where = "listeners[" + l.name() + "]";
        byte[] cert = decode(l.cert(), where + ".cert");
        byte[] key = decode(l.key(), where + ".key");
        try {
            return SslContextBuilder.forServer(new ByteArrayInputStream(cert), new ByteArrayInputStream(key))
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (Exception e) { // SSLException, IllegalArgumentException: bad PEM, key not matching the certificate
            throw new ConfigException(where + ".cert/.key: cannot serve TLS with them ("
                    + safeReason(e) + "; expected: base64 of a PEM certificate chain and of its PEM private key)");
        }
    }

    private static byte[] decode(String base64, String field) throws ConfigException {
        if (base64 == null || base64.isEmpty()) {
            throw new ConfigException(field + ": missing (expected: base64 PEM, required for TURN-TLS)");
        }
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field + ": not base64 (expected: base64 PEM)");
        }
    }

    /** The exception's class and first line, cut short: enough to act on, and no PEM content. */
    private static String safeReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (msg.contains("-----") || msg.length() > 160) {
            msg = msg.length() > 160 ? msg.substring(0, 160) + "..." : msg;
            if (msg.contains("-----")) {
                msg = "";
            }
        }
        return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
}
