package io.turngate.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates and keys for tests, made with Bouncy Castle at run time (no private key is ever committed), and the
 * clients that trust them. Two kinds, both used by the TLS and DTLS tests:
 * <ul>
 *   <li>instances ({@link #ec()}, {@link #rsa()}): a self-signed certificate for {@code localhost} and 127.0.0.1 as
 *       PEM text, DER, the base64-of-PEM form of STUNner's listener {@code cert}/{@code key} fields, and files for
 *       external clients ({@code turnutils_uclient -i/-k}); the TURN-DTLS tests and Bouncy Castle's DTLS client;</li>
 *   <li>{@link #loopback()}: the server's own {@link SelfSignedCertificate} (what quick mode serves), with
 *       {@link #client} a JDK TLS socket factory trusting exactly the certificates it is given, never the machine's
 *       trust store; the TURN-TLS tests.</li>
 * </ul>
 */
public final class TestCertificates {
    public final String certPem;
    public final String keyPem;
    public final byte[] certDer;

    private TestCertificates(String certPem, String keyPem, byte[] certDer) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.certDer = certDer;
    }

    /** An EC P-256 certificate for {@code localhost} and 127.0.0.1, valid from an hour ago for a day. */
    public static TestCertificates ec() {
        return generate("EC", new ECGenParameterSpec("secp256r1"), "SHA256withECDSA");
    }

    /** The same with a 2048-bit RSA key. */
    public static TestCertificates rsa() {
        return generate("RSA", null, "SHA256withRSA");
    }

    private static TestCertificates generate(String algorithm, ECGenParameterSpec spec, String signature) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                g.initialize(spec, new SecureRandom());
            } else {
                g.initialize(2048, new SecureRandom());
            }
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=turngate test");
            long now = System.currentTimeMillis();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(new SecureRandom().nextInt(Integer.MAX_VALUE)), new Date(now - 3_600_000L),
                    new Date(now + 86_400_000L), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509CertificateHolder cert = b.build(new JcaContentSignerBuilder(signature).build(kp.getPrivate()));
            return new TestCertificates(pem(cert), pem(kp.getPrivate()), cert.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    /** STUNner's {@code cert} field: base64 of the PEM. */
    public String certField() {
        return Base64.getEncoder().encodeToString(certPem.getBytes(StandardCharsets.US_ASCII));
    }

    /** STUNner's {@code key} field: base64 of the PEM. */
    public String keyField() {
        return Base64.getEncoder().encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes {@code cert.pem} and {@code key.pem} (owner-only) into {@code dir}. */
    public Path[] writeTo(Path dir) {
        try {
            Path c = Files.writeString(dir.resolve("cert.pem"), certPem);
            Path k = Files.writeString(dir.resolve("key.pem"), keyPem);
            k.toFile().setReadable(false, false);
            k.toFile().setReadable(true, true);
            return new Path[] {c, k};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh certificate and key for 127.0.0.1. */
    public static SelfSignedCertificate loopback() {
        return SelfSignedCertificate.generate("127.0.0.1");
    }

    public static X509Certificate x509(SelfSignedCertificate c) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(c.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A JDK client socket factory that trusts only {@code trusted} (and checks the host name, 127.0.0.1 in the
     * certificate's subject alternative name), speaking only {@code protocol} ("TLSv1.2", "TLSv1.3").
     */
    public static SSLSocketFactory client(String protocol, SelfSignedCertificate... trusted) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                ks.setCertificateEntry("trusted-" + i, x509(trusted[i]));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(null, tmf.getTrustManagers(), null);
            SSLSocketFactory base = ctx.getSocketFactory();
            return new OneProtocolFactory(base, protocol);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Wraps a factory so every socket enables one protocol and verifies the server's name (HTTPS rules). */
    private static final class OneProtocolFactory extends SSLSocketFactory {
        private final SSLSocketFactory base;
        private final String protocol;

        OneProtocolFactory(SSLSocketFactory base, String protocol) {
            this.base = base;
            this.protocol = protocol;
        }

        private java.net.Socket configure(java.net.Socket s) {
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) s;
            ssl.setEnabledProtocols(new String[] {protocol});
            javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            return ssl;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return base.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return base.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
                throws java.io.IOException {
            return configure(base.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            return configure(base.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws java.io.IOException {
            return configure(base.createSocket(host, port, local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            return configure(base.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local,
                                            int localPort) throws java.io.IOException {
            return configure(base.createSocket(address, port, local, localPort));
        }
    }
}
