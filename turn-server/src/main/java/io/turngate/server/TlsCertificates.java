package io.turngate.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The TLS server context of a TURN-TLS listener from its {@code cert} and {@code key} fields (STUNner's: base64 of
 * the PEM certificate chain and of the PEM private key: PKCS#8, PKCS#1 RSA or SEC1 EC, read with Bouncy Castle's
 * PEM parser), checked to belong together, for the engine {@link TlsEngine} chose (OpenSSL or the JDK's; both get
 * the same Java key and chain) and TLS 1.3 and 1.2 only. Errors name the field and the problem, never the
 * certificate or key. An OpenSSL context is reference-counted: its owner releases it
 * ({@code ReferenceCountUtil.release}, a no-op for the JDK's).
 */
final class TlsCertificates {
    /** TLS versions served: RFC 8656 §3.1 requires TLS for TURN-TLS; older versions are deprecated (RFC 8996). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsCertificates() {
    }

    static SslContext serverContext(ListenerConfig l, TlsEngine.Choice engine) throws ConfigException {
        String where = "listeners[" + l.name() + "]";
        byte[] certPem = decode(l.cert(), where + ".cert");
        byte[] keyPem = decode(l.key(), where + ".key");
        X509Certificate[] chain = certificates(certPem, where + ".cert");
        PrivateKey key = privateKey(keyPem, where + ".key");
        if (!matches(key, chain[0])) {
            throw new ConfigException(where + ".key: not the private key of the first certificate in "
                    + where + ".cert (expected: the key the certificate was issued for)");
        }
        try {
            return SslContextBuilder.forServer(key, chain)
                    .sslProvider(engine.provider())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (Exception e) { // SSLException: e.g. a key type the engine cannot serve
            throw new ConfigException(where + ".cert/.key: cannot serve TLS with them (" + safeReason(e) + ")");
        }
    }

    /** The PEM certificate chain, leaf first. */
    private static X509Certificate[] certificates(byte[] pem, String field) throws ConfigException {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : f.generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return out.toArray(new X509Certificate[0]);
        } catch (CertificateException e) {
            throw new ConfigException(field + ": no PEM certificate in it (" + safeReason(e)
                    + "; expected: base64 of a PEM certificate chain, leaf first)");
        }
    }

    /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC ...}). */
    private static PrivateKey privateKey(byte[] pem, String field) throws ConfigException {
        String expected = "; expected: base64 of an unencrypted PEM private key: PKCS#8, PKCS#1 RSA or SEC1 EC";
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem),
                StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) o);
                }
                if (o instanceof PEMKeyPair) {
                    return converter.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo()) /* SEC1 may lack the public key */;
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new ConfigException(field + ": an encrypted private key (expected: unencrypted, as"
                            + " STUNner and cert-manager write them)");
                }
                // EC PARAMETERS and the like come before the key: skip
            }
            throw new ConfigException(field + ": no private key in it (found none" + expected + ")");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(field + ": not a PEM private key (" + safeReason(e) + expected + ")");
        }
    }

    /** Whether {@code key} signs what {@code cert}'s public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA": algorithm = "SHA256withRSA"; break;
            case "EC": algorithm = "SHA256withECDSA"; break;
            case "Ed25519": case "EdDSA": algorithm = "Ed25519"; break;
            default: return true; // left to the TLS engine
        }
        try {
            byte[] challenge = new byte[32];
            new java.security.SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] sig = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(challenge);
            return verify.verify(sig);
        } catch (java.security.GeneralSecurityException e) {
            return false; // e.g. an RSA key with an EC certificate
        }
    }

    private static byte[] decode(String base64, String field) throws ConfigException {
        if (base64 == null || base64.isEmpty()) {
            throw new ConfigException(field + ": missing (expected: base64 PEM, required for TURN-TLS)");
        }
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
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
