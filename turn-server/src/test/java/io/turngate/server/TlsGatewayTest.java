package io.turngate.server;

import static io.turngate.server.TestGateways.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link StreamGatewayTestBase} over a TURN-TLS listener (RFC 8656 §3.1) with a certificate made at run time, and
 * what only TLS has: TLS 1.2 and 1.3 with the JDK's client, the certificate reloaded in place (new connections get
 * the new one, established ones stay), a bad certificate rejected without being shown, and handshakes that never
 * finish or are not TLS, closed and counted.
 */
class TlsGatewayTest extends StreamGatewayTestBase {
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 1000;
    private final SelfSignedCertificate cert = TestCertificates.loopback();

    @Override
    ListenerProtocol protocol() {
        return ListenerProtocol.TURN_TLS;
    }

    @Override
    String[] certAndKey() {
        return new String[] {cert.certificateBase64(), cert.privateKeyBase64()};
    }

    /** The TLS engine these tests run with: the JDK's here, OpenSSL in {@link OpenSslTlsGatewayTest}. */
    TlsEngine engine() {
        return TlsEngine.JDK;
    }

    @Override
    Gateway.Options options() {
        return TestTlsEngines.options(Gateway.Options.defaults(), engine()).withStreamLimits(StreamLimits.defaults()
                .withTimeouts(10_000, 30_000, HANDSHAKE_TIMEOUT_MILLIS));
    }

    /**
     * Five Binding requests in one TLS record, read by the server in one read: five answers in five TLS records
     * (StreamClientHandler's record per message, commit e1b5a9a: coturn's uclient takes one {@code SSL_read} for one
     * message). TLS 1.2, where every application_data record after the handshake is data (TLS 1.3 also sends its
     * session tickets in them); the records are counted on the raw socket below the JDK's {@code SSLSocket}.
     */
    @Test
    void everyAnswerGoesOutInATlsRecordOfItsOwn() throws Exception {
        int[] appRecords = {0};
        Socket raw = new Socket() {
            private java.io.InputStream tapped;

            @Override
            public synchronized java.io.InputStream getInputStream() throws java.io.IOException {
                if (tapped == null) {
                    tapped = new RecordCounter(super.getInputStream(), appRecords);
                }
                return tapped;
            }
        };
        raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        try (SSLSocket s = (SSLSocket) TestCertificates.client("TLSv1.2", cert).createSocket(raw, "127.0.0.1", port,
                true)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            appRecords[0] = 0;
            java.io.ByteArrayOutputStream five = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 5; i++) {
                five.write(TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST,
                        TransactionId.random()), null, false));
            }
            s.getOutputStream().write(five.toByteArray()); // one write: one record
            s.getOutputStream().flush();
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            for (int i = 0; i < 5; i++) {
                byte[] header = new byte[20];
                in.readFully(header);
                in.readFully(new byte[((header[2] & 0xff) << 8) | (header[3] & 0xff)]);
                assertEquals(0x0101, ((header[0] & 0xff) << 8) | (header[1] & 0xff), "a Binding success response");
            }
            assertEquals(5, appRecords[0], "TLS application_data records for 5 answers");
        }
    }

    /** Counts TLS application_data records (content type 23, RFC 8446 §5.1) in the bytes read through it. */
    private static final class RecordCounter extends java.io.FilterInputStream {
        private final int[] count;
        private final byte[] header = new byte[5];
        private int headerSeen;
        private int bodyLeft;

        RecordCounter(java.io.InputStream in, int[] count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                see(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                see(b, off, n);
            }
            return n;
        }

        private void see(byte[] b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                if (bodyLeft > 0) {
                    int skip = Math.min(bodyLeft, off + n - i);
                    bodyLeft -= skip;
                    i += skip - 1;
                    continue;
                }
                header[headerSeen++] = b[i];
                if (headerSeen == 5) {
                    headerSeen = 0;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (header[0] == 23) {
                        synchronized (count) {
                            count[0]++;
                        }
                    }
                }
            }
        }
    }

    @Test
    void theListenerReportsItsEngine() {
        assertEquals(List.of(engine().wire()), gw.listenerViews().stream().map(Gateway.ListenerView::tlsEngine)
                .toList(), "the engine /status shows (tls_engine)");
    }

    @Override
    TestTurnClient open(int port) {
        return open(port, TestCertificates.client("TLSv1.3", cert));
    }

    private TestTurnClient open(int port, SSLSocketFactory factory) {
        TestTurnClient c = TestTurnClient.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), factory,
                TestGateways.USER, TestGateways.PASS);
        return c;
    }

    private static boolean bindingAnswered(TestTurnClient c) {
        return c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()))
                .isSuccess();
    }

    @Test
    void tls12AndTls13HandshakesWithTheJdkClientAreServed() {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (TestTurnClient c = open(port, TestCertificates.client(protocol, cert))) {
                SSLSocket s = (SSLSocket) c.streamSocket();
                assertEquals(protocol, s.getSession().getProtocol());
                assertTrue(bindingAnswered(c), "a Binding request over " + protocol);
                assertTrue(c.allocate().isSuccess(), "an Allocate over " + protocol);
            }
        }
        assertEquals(0, gw.counter(Counter.TLS_HANDSHAKE_FAILED));
    }

    @Test
    void reloadedCertificateGoesToNewConnectionsWhileEstablishedOnesStay() throws Exception {
        SelfSignedCertificate next = TestCertificates.loopback();
        TestTurnClient before = open(port, TestCertificates.client("TLSv1.3", cert, next));
        before.allocateOrFail();
        int opened = gw.socketsOpened(TestGateways.LISTENER);

        gw.apply(withCertificate(next));

        assertTrue(before.refresh(600).isSuccess(), "the established connection and its allocation stay");
        assertEquals(TestCertificates.x509(cert),
                ((SSLSocket) before.streamSocket()).getSession().getPeerCertificates()[0], "with its old certificate");
        try (TestTurnClient after = open(port, TestCertificates.client("TLSv1.3", cert, next))) {
            assertEquals(TestCertificates.x509(next),
                    ((SSLSocket) after.streamSocket()).getSession().getPeerCertificates()[0],
                    "a new connection gets the new certificate");
            assertTrue(bindingAnswered(after));
        }
        assertEquals(1, gw.allocationCount());
        assertEquals(opened + 1, gw.socketsOpened(TestGateways.LISTENER), "no restart: the one new connection");
        // A client that trusts only the old certificate cannot connect any more.
        assertThrows(UncheckedIOException.class, () -> open(port, TestCertificates.client("TLSv1.3", cert)).close());
    }

    @Test
    void badCertificateOnReloadIsRejectedWithoutShowingItAndTheOldOneKeepsServing() {
        String garbage = Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\nnot a certificate\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StunnerConfig bad = withCertificate(cert);
        ListenerConfig l = bad.listeners().get(0);
        bad = new StunnerConfig(bad.version(), bad.admin(), bad.auth(), List.of(new ListenerConfig(l.name(),
                l.protocol(), l.publicAddress(), l.publicPort(), l.address(), l.port(), garbage, l.key(), l.routes())),
                bad.clusters());
        StunnerConfig rejected = bad;
        ConfigException e = assertThrows(ConfigException.class, () -> gw.apply(rejected));
        String msg = String.join("; ", e.problems());
        assertTrue(msg.contains("listeners[" + TestGateways.LISTENER + "].cert"), msg);
        assertFalse(msg.contains(garbage) || msg.contains("not a certificate") || msg.contains(cert.privateKeyBase64()),
                () -> "the message shows the certificate or key: " + msg);
        assertEquals(1, gw.configsRejected());
        try (TestTurnClient c = open(port)) {
            assertTrue(bindingAnswered(c), "the old certificate keeps serving");
        }
    }

    @Test
    void certificateOfAChangeThatIsRolledBackIsNotServed() throws Exception {
        SelfSignedCertificate next = TestCertificates.loopback();
        StunnerConfig change = withCertificate(next);
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            // The same change adds a TURN-TCP listener on a port that is taken: it cannot start, all is rolled back.
            ListenerConfig tls = change.listeners().get(0);
            ListenerConfig tcp = new ListenerConfig("testns/gateway/tcp-listener", ListenerProtocol.TURN_TCP, "", 0,
                    "127.0.0.1", busy.getLocalPort(), "", "", tls.routes());
            StunnerConfig failing = new StunnerConfig(change.version(), change.admin(), change.auth(),
                    List.of(tls, tcp), change.clusters());
            assertThrows(ConfigException.class, () -> gw.apply(failing));
        }
        try (TestTurnClient c = open(port, TestCertificates.client("TLSv1.3", cert, next))) {
            assertEquals(TestCertificates.x509(cert),
                    ((SSLSocket) c.streamSocket()).getSession().getPeerCertificates()[0],
                    "the running certificate after the rollback");
        }
    }

    @Test
    void handshakeThatNeverFinishesIsClosedAndCounted() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0x80}); // a record header, no more
            long t0 = System.nanoTime();
            assertClosedByServer(s, 5000, "a connection whose TLS handshake never finishes");
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "closed by the handshake timeout (1 s), not later");
        }
        assertTrue(await(() -> gw.counter(Counter.TLS_HANDSHAKE_TIMEOUT) == 1, 2000));
        try (TestTurnClient c = open(port)) {
            assertTrue(bindingAnswered(c), "the listener keeps serving");
        }
    }

    @Test
    void plainStunOnATlsListenerFailsTheHandshakeAndIsCounted() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.getOutputStream().write(TestTurnClient.encode(
                    StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()), null, false));
            assertClosedByServer(s, 3000, "plain STUN on a TLS listener");
        }
        assertTrue(await(() -> gw.counter(Counter.TLS_HANDSHAKE_FAILED) == 1, 2000));
        assertEquals(0, gw.counter(Counter.HANDLER_ERRORS));
    }

    private StunnerConfig withCertificate(SelfSignedCertificate c) {
        return TestGateways.config(ListenerProtocol.TURN_TLS, port, c.certificateBase64(), c.privateKeyBase64(),
                "127.0.0.1");
    }
}
