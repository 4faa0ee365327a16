package io.turngate.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A self-signed certificate and its private key, made at run time with Bouncy Castle: what quick mode
 * ({@code turn://user:pass@host:port?transport=tls}) serves, as stunnerd generates one for TLS and DTLS in quick mode,
 * and what the tests serve. An ECDSA P-256 key; the certificate names {@code host} as its CN and subject alternative
 * name (an IP address or a DNS name), is valid from an hour ago for {@code validity}, and is a TLS server
 * certificate only (not a CA). The key never leaves this process unless the caller writes it out.
 *
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem  its private key, PKCS#8 PEM (never logged)
 */
public record SelfSignedCertificate(String certificatePem, String privateKeyPem) {
    public static final Duration VALIDITY_DEFAULT = Duration.ofDays(365);

    /** A certificate for {@code host}, valid for {@link #VALIDITY_DEFAULT}. */
    public static SelfSignedCertificate generate(String host) {
        return generate(host, VALIDITY_DEFAULT);
    }

    public static SelfSignedCertificate generate(String host, Duration validity) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = g.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host)
                    .addRDN(BCStyle.O, "turngate self-signed").build();
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
            boolean ip = isIpLiteral(host);
            X509CertificateHolder cert = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host)))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return new SelfSignedCertificate(pem("CERTIFICATE", cert.getEncoded()),
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate as a listener's {@code cert} field: base64 of the PEM. */
    public String certificateBase64() {
        return Base64.getEncoder().encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII));
    }

    /** The key as a listener's {@code key} field: base64 of the PEM. */
    public String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(privateKeyPem.getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[<SECRET>]";
    }
}
