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

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;

/**
 * A self-signed certificate and its key, made with Bouncy Castle when a test asks (no private key is ever
 * committed): PEM text, the base64-of-PEM form of STUNner's listener {@code cert}/{@code key} fields, and files for
 * external clients ({@code turnutils_uclient -i/-k}).
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
}
