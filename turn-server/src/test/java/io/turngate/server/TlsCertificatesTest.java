package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A TURN-TLS listener's {@code cert} and {@code key} fields (base64 PEM, STUNner's) into a server context: the key
 * encodings operators have (PKCS#8 as cert-manager can write it, PKCS#1 RSA and SEC1 EC as openssl and cert-manager's
 * default write them), with each engine ({@link TlsEngine}: the JDK's and OpenSSL's), and errors that name the
 * field but never show the material. Keys are made at run time.
 */
class TlsCertificatesTest {
    private static final TlsEngine.Choice JDK = new TlsEngine.Choice(TlsEngine.JDK, null);

    private static ListenerConfig listener(String certPem, String keyPem) {
        return new ListenerConfig("ns/gw/tls", ListenerProtocol.TURN_TLS, "", 0, "127.0.0.1", 443, b64(certPem),
                b64(keyPem), List.of());
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** A self-signed certificate for {@code keys} and the key in OpenSSL's traditional PEM (PKCS#1 or SEC1). */
    private static String[] traditional(String algorithm, int bits, String signature) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        g.initialize(bits);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        long now = System.currentTimeMillis();
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, new Date(now - 3_600_000),
                new Date(now + 3_600_000), name, keys.getPublic())
                .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
        StringWriter cert = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(cert)) {
            w.writeObject(holder);
        }
        StringWriter key = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(key)) {
            if (algorithm.equals("EC")) { // as openssl writes SEC1 (RFC 5915): the curve inside the key
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
                ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
                ECPrivateKey sec1 = new ECPrivateKey(bits, ec.getKey(),
                        info.getPrivateKeyAlgorithm().getParameters());
                w.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } else {
                w.writeObject(keys.getPrivate()); // PKCS#1 for RSA
            }
        }
        return new String[] {cert.toString(), key.toString()};
    }

    /**
     * A server context of {@code engine} for {@code l}, which a JDK client completes a TLS 1.3 handshake with (in
     * memory, engine to engine), released after.
     */
    private static void serves(ListenerConfig l, TlsEngine engine) throws Exception {
        SslContext ctx = TlsCertificates.serverContext(l, TestTlsEngines.choice(engine));
        try {
            assertEquals(engine == TlsEngine.OPENSSL, ctx instanceof ReferenceCountedOpenSslContext,
                    "the context of the engine asked for");
            TestTlsEngines.handshake(ctx, "TLSv1.3");
        } finally {
            ReferenceCountUtil.release(ctx);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void pkcs8KeyOfTheSelfSignedCertificateServes(TlsEngine engine) throws Exception {
        SelfSignedCertificate c = TestCertificates.loopback();
        assertTrue(c.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"));
        serves(listener(c.certificatePem(), c.privateKeyPem()), engine);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void pkcs1RsaKeyServes(TlsEngine engine) throws Exception {
        String[] ck = traditional("RSA", 2048, "SHA256withRSA");
        assertTrue(ck[1].startsWith("-----BEGIN RSA PRIVATE KEY-----"), ck[1].lines().findFirst().orElse(""));
        serves(listener(ck[0], ck[1]), engine);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void sec1EcKeyServes(TlsEngine engine) throws Exception {
        String[] ck = traditional("EC", 256, "SHA256withECDSA");
        assertTrue(ck[1].startsWith("-----BEGIN EC PRIVATE KEY-----"), ck[1].lines().findFirst().orElse(""));
        serves(listener(ck[0], ck[1]), engine);
    }

    @Test
    void keyOfAnotherCertificateIsRefusedWithoutShowingEither() {
        SelfSignedCertificate a = TestCertificates.loopback();
        SelfSignedCertificate b = TestCertificates.loopback();
        ConfigException e = assertThrows(ConfigException.class,
                () -> TlsCertificates.serverContext(listener(a.certificatePem(), b.privateKeyPem()), JDK));
        String msg = String.join("; ", e.problems());
        assertTrue(msg.startsWith("listeners[ns/gw/tls].key: not the private key of the first certificate"), msg);
        assertFalse(msg.contains("BEGIN") || msg.contains(b64(b.privateKeyPem()).substring(0, 40)), msg);
    }

    @Test
    void missingOrNonBase64FieldsNameTheField() {
        ListenerConfig noKey = new ListenerConfig("l", ListenerProtocol.TURN_TLS, "", 0, "", 443, "Yw==", "",
                List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> TlsCertificates.serverContext(noKey, JDK));
        assertTrue(e.problems().get(0).startsWith("listeners[l].key: missing"), e.problems().toString());
        ListenerConfig notB64 = new ListenerConfig("l", ListenerProtocol.TURN_TLS, "", 0, "", 443, "%%%", "Yw==",
                List.of());
        e = assertThrows(ConfigException.class, () -> TlsCertificates.serverContext(notB64, JDK));
        assertTrue(e.problems().get(0).startsWith("listeners[l].cert: not base64"), e.problems().toString());
    }
}
