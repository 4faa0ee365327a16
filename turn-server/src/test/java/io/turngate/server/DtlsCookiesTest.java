package io.turngate.server;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link DtlsCookies} against Bouncy Castle's DTLS client (RFC 6347 §4.2.1): a ClientHello without a cookie gets a
 * HelloVerifyRequest; the ClientHello that returns the cookie is verified, from the same address only; the secret
 * rotates, and a cookie stays good for the current and the previous secret, not older.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DtlsCookiesTest {
    private static final long MINUTE = TimeUnit.MILLISECONDS.toNanos(DtlsCookies.ROTATE_MILLIS);
    private static final byte[] CLIENT = {127, 0, 0, 1, 0x30, 0x39};
    private static final byte[] OTHER_PORT = {127, 0, 0, 1, 0x30, 0x3A};

    @Test
    void cookieIsBoundToTheAddressAndLivesForTwoSecrets() throws Exception {
        DtlsCookies cookies = new DtlsCookies(new BcTlsCrypto(new SecureRandom()), 0);
        byte[][] hellos = hellos(cookies);
        assertEquals(DtlsCookies.Verdict.VERIFIED, cookies.verify(CLIENT, hellos[1], hellos[1].length));
        assertNotNull(cookies.request);
        assertEquals(DtlsCookies.Verdict.HELLO_VERIFY_SENT, cookies.verify(OTHER_PORT, hellos[1], hellos[1].length),
                "the cookie of 127.0.0.1:12345 from :12346");
        assertNull(cookies.request);

        cookies.rotate(MINUTE - 1);
        assertEquals(DtlsCookies.Verdict.VERIFIED, cookies.verify(CLIENT, hellos[1], hellos[1].length),
                "not rotated before its period");
        cookies.rotate(MINUTE);
        assertEquals(DtlsCookies.Verdict.VERIFIED, cookies.verify(CLIENT, hellos[1], hellos[1].length),
                "the previous secret still verifies");
        cookies.rotate(2 * MINUTE);
        assertEquals(DtlsCookies.Verdict.HELLO_VERIFY_SENT, cookies.verify(CLIENT, hellos[1], hellos[1].length),
                "two rotations later the cookie is stale: a new HelloVerifyRequest");
        assertEquals(DtlsCookies.Verdict.NOT_A_CLIENT_HELLO, cookies.verify(CLIENT, new byte[40], 40));
    }

    /**
     * A Bouncy Castle client's ClientHello without a cookie and, after {@code cookies}' HelloVerifyRequest (from
     * {@link #CLIENT}), with it.
     */
    private static byte[][] hellos(DtlsCookies cookies) throws Exception {
        BlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
        byte[][] sent = new byte[2][];
        DatagramTransport t = new DatagramTransport() {
            private int n;

            @Override
            public int getReceiveLimit() {
                return 1500;
            }

            @Override
            public int getSendLimit() {
                return 1500;
            }

            @Override
            public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
                try {
                    byte[] d = toClient.poll(waitMillis, TimeUnit.MILLISECONDS);
                    if (d == null) {
                        return -1;
                    }
                    System.arraycopy(d, 0, buf, off, d.length);
                    return d.length;
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void send(byte[] buf, int off, int len) throws IOException {
                byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
                if (n < 2) {
                    sent[n] = d;
                }
                if (n++ == 0) {
                    assertEquals(DtlsCookies.Verdict.HELLO_VERIFY_SENT, cookies.verify(CLIENT, d, d.length));
                    toClient.add(java.util.Arrays.copyOf(cookies.helloVerifyRequest(),
                            cookies.helloVerifyRequestLength()));
                } else if (n == 2) {
                    throw new IOException("enough"); // the second ClientHello is all the test needs
                }
            }

            @Override
            public void close() {
            }
        };
        try {
            new DTLSClientProtocol().connect(TestDtlsClient.client(new byte[0], 5000), t);
        } catch (IOException expected) {
            // stopped after the second ClientHello
        }
        assertNotNull(sent[1], "the client sent a second ClientHello");
        return sent;
    }
}
