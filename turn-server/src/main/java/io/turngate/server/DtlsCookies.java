package io.turngate.server;

import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.util.concurrent.TimeUnit;

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1) with a rotating secret: a ClientHello without a valid
 * cookie gets a HelloVerifyRequest whose cookie is an HMAC of the client's address and the ClientHello under the
 * current secret (Bouncy Castle's {@link DTLSVerifier}), and nothing is remembered, so a spoofed source costs the
 * server one HMAC and one small datagram. A ClientHello that returns a cookie of the current or the previous secret
 * proves its sender receives at its address; only then does a handshake start. The secret changes every
 * {@link #ROTATE_MILLIS}, so a cookie is good for one to two periods.
 *
 * <p>Threading: on the listener's event loop only.
 */
final class DtlsCookies {
    /** A cookie only has to live one round trip; a minute bounds how long a captured one can be replayed. */
    static final long ROTATE_MILLIS = 60_000;
    /** A HelloVerifyRequest is about 60 bytes; Bouncy Castle only asks for room. */
    private static final int SEND_LIMIT = 1500;

    private final TlsCrypto crypto;
    private final Capture capture = new Capture();
    private final DatagramSender discard = new Capture();
    private DTLSVerifier current;
    private DTLSVerifier previous;
    private long rotatedAtNanos;
    /** After a {@link Verdict#VERIFIED} {@link #verify}: the verified ClientHello, for the handshake to go on from. */
    DTLSRequest request;

    DtlsCookies(TlsCrypto crypto, long nowNanos) {
        this.crypto = crypto;
        this.current = new DTLSVerifier(crypto);
        this.rotatedAtNanos = nowNanos;
    }

    /** What a datagram from an unknown sender turned out to be. */
    enum Verdict { VERIFIED, HELLO_VERIFY_SENT, NOT_A_CLIENT_HELLO }

    /**
     * Checks a datagram from a sender without a session: a ClientHello with a valid cookie gives
     * {@link Verdict#VERIFIED} and {@link #request}; a ClientHello without one gives
     * {@link Verdict#HELLO_VERIFY_SENT}, and the caller sends the record {@link #helloVerifyRequest()} and
     * {@link #helloVerifyRequestLength()} hold; anything else is neither answered nor kept.
     */
    Verdict verify(byte[] clientId, byte[] data, int length) {
        request = null;
        capture.length = 0;
        DTLSRequest r = current.verifyRequest(clientId, data, 0, length, capture);
        if (r == null && capture.length > 0 && previous != null) {
            r = previous.verifyRequest(clientId, data, 0, length, discard);
        }
        if (r != null) {
            request = r;
            return Verdict.VERIFIED;
        }
        if (capture.length == 0) {
            return Verdict.NOT_A_CLIENT_HELLO;
        }
        return Verdict.HELLO_VERIFY_SENT;
    }

    /** The HelloVerifyRequest record of the last {@link Verdict#HELLO_VERIFY_SENT} (valid until the next call). */
    byte[] helloVerifyRequest() {
        return capture.bytes;
    }

    int helloVerifyRequestLength() {
        return capture.length;
    }

    /** Rotates the secret when its period is over (called from the listener's sweep). */
    void rotate(long nowNanos) {
        if (nowNanos - rotatedAtNanos >= TimeUnit.MILLISECONDS.toNanos(ROTATE_MILLIS)) {
            previous = current;
            current = new DTLSVerifier(crypto);
            rotatedAtNanos = nowNanos;
        }
    }

    /** Keeps the HelloVerifyRequest the verifier wanted to send, so it goes out only if no secret accepts. */
    private static final class Capture implements DatagramSender {
        byte[] bytes = new byte[256];
        int length;

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            if (bytes.length < len) {
                bytes = new byte[len];
            }
            System.arraycopy(buf, off, bytes, 0, len);
            length = len;
        }
    }
}
