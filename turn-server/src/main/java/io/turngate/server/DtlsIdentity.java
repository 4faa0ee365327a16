package io.turngate.server;

import io.turngate.config.v1.ConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The certificate chain and private key of a TLS or DTLS listener, from its {@code cert} and {@code key} fields:
 * base64 of the PEM text, as STUNner's {@code config.v1.ListenerConfig} has them (stunner-compat §1a). The key is
 * an RSA or EC key in PKCS#8, PKCS#1 or SEC1 PEM, unencrypted, and must belong to the first certificate.
 *
 * <p>Every problem is a {@link ConfigException} naming the field and what was expected; no message ever contains a
 * byte of the key or the certificate.
 */
final class DtlsIdentity {
    final Certificate chain;
    final AsymmetricKeyParameter privateKey;
    /** True for an EC key (ECDHE-ECDSA cipher suites), false for RSA (ECDHE-RSA). */
    final boolean ec;

    private DtlsIdentity(Certificate chain, AsymmetricKeyParameter privateKey, boolean ec) {
        this.chain = chain;
        this.privateKey = privateKey;
        this.ec = ec;
    }

    static DtlsIdentity parse(String listener, String cert, String key, BcTlsCrypto crypto) throws ConfigException {
        String p = "listeners[" + listener + "]";
        List<X509CertificateHolder> certs = new ArrayList<>();
        try (PEMParser r = new PEMParser(new StringReader(pem(cert, p + ".cert")))) {
            for (Object o; (o = r.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder) {
                    certs.add((X509CertificateHolder) o);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(p + ".cert: not a PEM certificate (expected: base64 of a PEM CERTIFICATE)");
        }
        if (certs.isEmpty()) {
            throw new ConfigException(p + ".cert: no certificate in it (expected: base64 of a PEM CERTIFICATE)");
        }
        PrivateKeyInfo info;
        try (PEMParser r = new PEMParser(new StringReader(pem(key, p + ".key")))) {
            Object o = r.readObject();
            if (o instanceof PEMKeyPair) {
                info = ((PEMKeyPair) o).getPrivateKeyInfo();
            } else if (o instanceof PrivateKeyInfo) {
                info = (PrivateKeyInfo) o;
            } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new ConfigException(p + ".key: an encrypted key (expected: an unencrypted PEM private key)");
            } else {
                throw new ConfigException(p + ".key: no private key in it (expected: base64 of a PEM PRIVATE KEY, "
                        + "RSA PRIVATE KEY or EC PRIVATE KEY)");
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(p + ".key: not a PEM private key (expected: base64 of a PEM private key)");
        }
        AsymmetricKeyParameter priv;
        AsymmetricKeyParameter pub;
        try {
            AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm()) && alg.getParameters() == null) {
                // An SEC1 "EC PRIVATE KEY" may leave the curve out (RFC 5915 §3: optional): it is the certificate's.
                info = new PrivateKeyInfo(certs.get(0).getSubjectPublicKeyInfo().getAlgorithm(), info.parsePrivateKey());
            }
            priv = PrivateKeyFactory.createKey(info);
            pub = PublicKeyFactory.createKey(certs.get(0).getSubjectPublicKeyInfo());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(p + ".key: a key Bouncy Castle cannot read (expected: an RSA or EC key)");
        }
        boolean ec;
        if (priv instanceof ECPrivateKeyParameters && pub instanceof ECPublicKeyParameters) {
            ECPrivateKeyParameters k = (ECPrivateKeyParameters) priv;
            ec = true;
            if (!k.getParameters().getG().multiply(k.getD()).normalize()
                    .equals(((ECPublicKeyParameters) pub).getQ().normalize())) {
                throw mismatch(p);
            }
        } else if (priv instanceof RSAKeyParameters && pub instanceof RSAKeyParameters) {
            ec = false;
            if (!((RSAKeyParameters) priv).getModulus().equals(((RSAKeyParameters) pub).getModulus())) {
                throw mismatch(p);
            }
        } else if (priv instanceof ECPrivateKeyParameters || priv instanceof RSAKeyParameters) {
            throw mismatch(p);
        } else {
            throw new ConfigException(p + ".key: not an RSA or EC key (expected: an RSA or EC private key)");
        }
        TlsCertificate[] chain = new TlsCertificate[certs.size()];
        try {
            for (int i = 0; i < chain.length; i++) {
                chain[i] = crypto.createCertificate(certs.get(i).getEncoded());
            }
        } catch (IOException e) {
            throw new ConfigException(p + ".cert: a certificate that cannot be encoded (expected: X.509 DER in PEM)");
        }
        return new DtlsIdentity(new Certificate(chain), priv, ec);
    }

    private static ConfigException mismatch(String p) {
        return new ConfigException(p + ".key: does not belong to the certificate (expected: the private key of the"
                + " first certificate in " + p + ".cert)");
    }

    /** The PEM text of a field: base64 of PEM (STUNner), or PEM as is. */
    private static String pem(String field, String path) throws ConfigException {
        if (field == null || field.isEmpty()) {
            throw new ConfigException(path + ": missing (expected: base64 of PEM)");
        }
        if (field.contains("-----BEGIN")) {
            return field;
        }
        try {
            return new String(Base64.getMimeDecoder().decode(field), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + ": not base64 (expected: base64 of PEM)");
        }
    }
}
