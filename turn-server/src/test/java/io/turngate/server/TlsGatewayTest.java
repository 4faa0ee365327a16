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

    @Override
    Gateway.Options options() {
        return Gateway.Options.defaults().withStreamLimits(StreamLimits.defaults()
                .withTimeouts(10_000, 30_000, HANDSHAKE_TIMEOUT_MILLIS));
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
