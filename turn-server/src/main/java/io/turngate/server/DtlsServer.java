package io.turngate.server;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.util.Vector;

/**
 * The server side of one DTLS handshake of a TURN-DTLS listener (RFC 7350 §4.1: DTLS 1.2 as RFC 6347 and RFC 7525
 * profile it): DTLS 1.2 only, ECDHE key exchange with AEAD (AES-GCM, ChaCha20-Poly1305) suites first and CBC-SHA2
 * suites for older clients, authenticated by the listener's certificate and RSA or EC key. No client certificate is
 * asked for: TURN authenticates its users with long-term credentials inside the session (RFC 8656 §9). DTLS 1.0,
 * which RFC 7350 still allowed, is refused with a protocol_version alert (RFC 8996 §6: it MUST NOT be used);
 * coturn's {@code turnutils_uclient -S} offers it in some of its connection attempts, which fail
 * ({@code turngate_dtls_events_total{event="handshake_failed"}}), and then connects with DTLS 1.2.
 *
 * <p>One instance per handshake (Bouncy Castle keeps the negotiation state in it); used on the handshake thread.
 */
final class DtlsServer extends DefaultTlsServer {
    private static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    };
    private static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    };

    private final DtlsIdentity identity;
    private final int handshakeTimeoutMillis;

    DtlsServer(BcTlsCrypto crypto, DtlsIdentity identity, int handshakeTimeoutMillis) {
        super(crypto);
        this.identity = identity;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), identity.ec ? ECDSA_SUITES : RSA_SUITES);
    }

    /** Bouncy Castle's own bound on the whole handshake (it fails with a timeout); the listener's sweep backs it. */
    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return identity.ec ? signer(SignatureAlgorithm.ecdsa) : null;
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() {
        return identity.ec ? null : signer(SignatureAlgorithm.rsa);
    }

    /**
     * The signer for the ServerKeyExchange, with the first signature algorithm of the client's
     * {@code signature_algorithms} (RFC 5246 §7.4.1.4.1) that fits the key: ECDSA for an EC key; RSA PKCS#1 or
     * RSA-PSS (RSAE) for an RSA key. Without that extension, TLS 1.2's defaults (SHA-1) apply.
     */
    private TlsCredentialedSigner signer(short keySignature) {
        @SuppressWarnings("unchecked")
        Vector<SignatureAndHashAlgorithm> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        SignatureAndHashAlgorithm chosen = null;
        if (offered != null) {
            for (SignatureAndHashAlgorithm a : offered) {
                short s = a.getSignature();
                boolean fits = keySignature == SignatureAlgorithm.ecdsa ? s == SignatureAlgorithm.ecdsa
                        : s == SignatureAlgorithm.rsa || s == SignatureAlgorithm.rsa_pss_rsae_sha256
                        || s == SignatureAlgorithm.rsa_pss_rsae_sha384 || s == SignatureAlgorithm.rsa_pss_rsae_sha512;
                if (fits) {
                    chosen = a;
                    break;
                }
            }
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                identity.privateKey, identity.chain, chosen);
    }
}
