package io.turngate.server;

import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogCapture;
import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorMappedAddress;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.turngate.server.TestGateways.DTLS_LISTENER;
import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.dtlsConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TURN-DTLS listeners (RFC 7350) against Bouncy Castle's own DTLS 1.2 client: the relay through a session, the
 * stateless cookie exchange under a spoofed ClientHello flood (RFC 6347 §4.2.1), the cap on handshakes in flight,
 * the caps on sessions per listener and per source IP, the handshake timeout, hostile datagrams, the listener's
 * cert/key checks and the certificate reloaded in place. Everything on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsListenerTest {
    private static final TestCertificates CERTS = TestCertificates.ec();
    private static final int HANDSHAKE_MILLIS = 5000;

    private Gateway gw;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        if (gw != null) {
            gw.close();
        }
    }

    private int start(DtlsLimits limits, String... endpoints) throws ConfigException {
        int port = TestGateways.freeUdpPort();
        gw = Gateway.start(dtlsConfig(port, CERTS, endpoints), Gateway.Options.defaults().withDtls(limits));
        return port;
    }

    private TestTurnClient dtlsClient(int port) throws IOException {
        TestDtlsClient d = TestDtlsClient.connect(port, CERTS.certDer, HANDSHAKE_MILLIS);
        TestTurnClient c = new TestTurnClient(d, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                USER, PASS);
        closeLater.add(c);
        return c;
    }

    private long count(Counter c) {
        return gw.counter(c);
    }

    private int connections() {
        return gw.listenerViews().get(0).connections();
    }

    @Test
    void allocatePermissionChannelAndDataRelayBothWaysThroughTheSession() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        try (TestPeer peer = TestPeer.capture()) {
            TestTurnClient c = dtlsClient(port);
            assertTrue(await(() -> connections() == 1, 2000), "one open DTLS session");
            assertEquals(1, count(Counter.DTLS_SESSIONS_OPENED));
            assertEquals(1, count(Counter.DTLS_HELLO_VERIFY_REQUESTS), "the client went through the cookie exchange");

            InetSocketAddress relayed = c.allocateOrFail();
            assertEquals(1, gw.allocationCount());
            // RFC 8656 §10: a permission, then a Send indication reaches the peer, and the peer's answer comes back
            // as a Data indication (§11.3), all inside DTLS records.
            assertTrue(c.createPermission(peer.address()).isSuccess());
            c.sendIndication(peer.address(), bytes("via-send"));
            TestPeer.Received got = peer.poll(2000);
            assertNotNull(got, "the Send indication's data reached the peer");
            assertArrayEquals(bytes("via-send"), got.data());
            assertEquals(relayed.getPort(), got.from().getPort(), "sent from the relayed address");
            peer.send(relayed, bytes("back-as-data"));
            ReceivedStun data = TestTurnClient.decode(awaitDatagram(c));
            assertEquals(StunMethod.DATA, data.message().method());
            assertArrayEquals(bytes("back-as-data"), data.message().attribute(Data.class).value());

            // RFC 8656 §12: a channel, ChannelData both ways.
            assertTrue(c.channelBind(0x4001, peer.address()).isSuccess());
            c.sendChannelData(0x4001, bytes("via-channel"));
            got = peer.poll(2000);
            assertNotNull(got, "ChannelData reached the peer");
            assertArrayEquals(bytes("via-channel"), got.data());
            peer.send(relayed, bytes("back-as-channel"));
            byte[] cd = awaitDatagram(c);
            assertEquals(0x4001, ((cd[0] & 0xFF) << 8) | (cd[1] & 0xFF));
            assertArrayEquals(bytes("back-as-channel"), Arrays.copyOfRange(cd, 4, 4 + ((cd[2] & 0xFF) << 8 | cd[3] & 0xFF)));

            // The route rule holds on DTLS too: a peer outside the listener's clusters gets 403.
            Response refused = c.createPermission(new InetSocketAddress("127.0.0.2", peer.port()));
            assertEquals(403, refused.errorCode());

            // XOR-MAPPED-ADDRESS is the client's UDP address (the DTLS session's 5-tuple).
            Response binding = c.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST,
                    TransactionId.random()));
            assertEquals(c.localAddress().getPort(), binding.attribute(XorMappedAddress.class).address().getPort());

            ListenerStats st = gw.stats(DTLS_LISTENER);
            assertTrue(st.rxPackets() >= 8 && st.txPackets() >= 8, "packets counted like UDP: " + st.rxPackets());
            assertTrue(st.rxBytes() > st.rxPackets() * 13, "bytes are the records' bytes");
            assertEquals(2, st.peerTxPackets());

            // Refresh 0 deletes the allocation (RFC 8656 §8.2), and the session goes with it.
            assertEquals(0, c.refresh(0).errorCode());
            assertTrue(await(() -> connections() == 0, 2000), "the session closed with its allocation");
            assertEquals(1, count(Counter.DTLS_SESSIONS_CLOSED));
            assertEquals(0, gw.allocationCount());
            assertEquals(0, count(Counter.HANDLER_ERRORS));
        }
    }

    @Test
    void rsaCertificateServesTooAndSessionsCountAsConnectionsOpened() throws Exception {
        TestCertificates rsa = TestCertificates.rsa();
        int port = TestGateways.freeUdpPort();
        gw = Gateway.start(dtlsConfig(port, rsa, "127.0.0.1"));
        for (int i = 0; i < 2; i++) {
            TestDtlsClient d = TestDtlsClient.connect(port, rsa.certDer, HANDSHAKE_MILLIS);
            closeLater.add(d);
        }
        assertTrue(await(() -> connections() == 2, 2000));
        assertEquals(2, gw.socketsOpened(DTLS_LISTENER), "stunner_listener_connections_total: sessions opened");
    }

    @Test
    void spoofedClientHelloFloodGetsOnlyHelloVerifyRequestsAndCreatesNoSession() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        byte[][] hellos = captureClientHellos(port); // [0] without a cookie, [1] with the cookie of its own port
        int sources = 64;
        int perSource = 4;
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < sources; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(s);
                for (int k = 0; k < perSource; k++) {
                    // the same ClientHello replayed from another source port, with no cookie or someone else's
                    byte[] h = hellos[k % 2];
                    s.send(new DatagramPacket(h, h.length, server));
                }
            }
            long expected = (long) sources * perSource;
            // the capturing client had one, then started the one handshake there is
            assertTrue(await(() -> count(Counter.DTLS_HELLO_VERIFY_REQUESTS) == 1 + expected, 5000),
                    "one HelloVerifyRequest per ClientHello: " + count(Counter.DTLS_HELLO_VERIFY_REQUESTS));
            for (DatagramSocket s : sockets) {
                int hvr = 0;
                for (byte[] d = receive(s, 500); d != null; d = receive(s, 50)) {
                    assertEquals(22, d[0], "a handshake record");
                    assertEquals(3, d[13], "HelloVerifyRequest (RFC 6347 §4.2.1), nothing else");
                    assertTrue(d.length <= hellos[0].length, "no amplification: " + d.length + " bytes");
                    hvr++;
                }
                assertEquals(perSource, hvr);
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
        assertEquals(1, count(Counter.DTLS_HANDSHAKES_STARTED), "only the real client's handshake started");
        assertEquals(0, count(Counter.DTLS_HANDSHAKES_REFUSED));
        assertTrue(await(() -> count(Counter.DTLS_HANDSHAKE_TIMEOUTS) + count(Counter.DTLS_HANDSHAKES_FAILED) == 0
                && connections() == 0, 100));
        // and it still serves a real client
        TestTurnClient c = dtlsClient(port);
        assertNotNull(c.allocateOrFail());
    }

    @Test
    void handshakesInFlightAreCappedAndTheStalledOnesTimeOut() throws Exception {
        int port = start(new DtlsLimits(3, 1500, 30_000), "127.0.0.1");
        ExecutorService stallers = Executors.newFixedThreadPool(5);
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(s);
                stallers.submit(() -> stall(s, port));
            }
            // 3 handshakes start (each after its cookie), the other clients' verified ClientHellos are refused.
            assertTrue(await(() -> count(Counter.DTLS_HANDSHAKES_STARTED) == 3
                    && count(Counter.DTLS_HANDSHAKES_REFUSED) >= 2, 3000), "started "
                    + count(Counter.DTLS_HANDSHAKES_STARTED) + ", refused " + count(Counter.DTLS_HANDSHAKES_REFUSED));
            // None of them ever finishes: dropped at the timeout, which frees the slots for the two others.
            assertTrue(await(() -> count(Counter.DTLS_HANDSHAKE_TIMEOUTS) >= 3, 4000),
                    "timeouts " + count(Counter.DTLS_HANDSHAKE_TIMEOUTS));
        } finally {
            sockets.forEach(DatagramSocket::close);
            stallers.shutdownNow();
            assertTrue(stallers.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(await(() -> count(Counter.DTLS_HANDSHAKES_STARTED)
                == count(Counter.DTLS_HANDSHAKE_TIMEOUTS) + count(Counter.DTLS_HANDSHAKES_FAILED), 5000),
                "every stalled handshake ended");
        assertEquals(0, count(Counter.DTLS_SESSIONS_OPENED));
        assertEquals(0, connections());
        TestTurnClient c = dtlsClient(port);
        assertNotNull(c.allocateOrFail(), "a real client is served once the stalled ones are gone");
    }

    /** A DTLS client from {@code local} (an address of 127.0.0.0/8), whose handshake gives up after 1.5 s. */
    private TestDtlsClient fromAddress(String local, int port, byte[] cert) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(local), 0));
        try {
            return TestDtlsClient.connect(s, port, cert, 1500);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private TestTurnClient turnOver(TestDtlsClient d, int port) {
        TestTurnClient c = new TestTurnClient(d, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                USER, PASS);
        closeLater.add(c);
        return c;
    }

    @Test
    void sessionsPerListenerAreCappedAndAClosedOneMakesRoom() throws Exception {
        int port = start(DtlsLimits.defaults().withSessions(2, 0), "127.0.0.1");
        TestTurnClient a = turnOver(fromAddress("127.0.0.1", port, CERTS.certDer), port);
        TestTurnClient b = turnOver(fromAddress("127.0.0.2", port, CERTS.certDer), port);
        assertNotNull(a.allocateOrFail());
        assertTrue(await(() -> connections() == 2, 2000));
        // A third client answers its cookie, but the listener has its two sessions: no handshake starts.
        assertThrows(IOException.class, () -> fromAddress("127.0.0.3", port, CERTS.certDer));
        assertTrue(count(Counter.DTLS_SESSION_LISTENER_LIMIT) >= 1, "refusals counted");
        assertEquals(2, count(Counter.DTLS_HANDSHAKES_STARTED));
        // The sessions in place keep serving, and one that ends (close_notify) makes room for a new one.
        assertTrue(a.refresh(600).isSuccess());
        b.close();
        assertTrue(await(() -> connections() == 1, 2000));
        assertNotNull(turnOver(fromAddress("127.0.0.3", port, CERTS.certDer), port).allocateOrFail());
        assertEquals(0, count(Counter.HANDLER_ERRORS));
    }

    @Test
    void sessionsPerSourceIpAreCappedWhileOtherAddressesAreServed() throws Exception {
        int port = start(DtlsLimits.defaults().withSessions(0, 2), "127.0.0.1");
        turnOver(fromAddress("127.0.0.1", port, CERTS.certDer), port);
        TestTurnClient second = turnOver(fromAddress("127.0.0.1", port, CERTS.certDer), port);
        assertNotNull(second.allocateOrFail());
        assertThrows(IOException.class, () -> fromAddress("127.0.0.1", port, CERTS.certDer),
                "a third session from 127.0.0.1");
        assertTrue(count(Counter.DTLS_SESSION_SOURCE_LIMIT) >= 1, "refusals counted");
        assertEquals(0, count(Counter.DTLS_SESSION_LISTENER_LIMIT));
        assertNotNull(turnOver(fromAddress("127.0.0.2", port, CERTS.certDer), port).allocateOrFail(),
                "another address is served");
        assertTrue(second.refresh(600).isSuccess(), "the sessions in place keep serving");
        assertTrue(await(() -> connections() == 3, 2000));
    }

    @Test
    void newCertificateGoesToNewHandshakesWithoutARestartWhileEstablishedSessionsStay() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        TestTurnClient before = dtlsClient(port);
        assertNotNull(before.allocateOrFail());
        int opened = gw.socketsOpened(DTLS_LISTENER);
        TestCertificates next = TestCertificates.rsa();
        gw.apply(dtlsConfig(port, next, "127.0.0.1"));

        assertTrue(before.refresh(600).isSuccess(), "the established session and its allocation stay");
        assertEquals(1, gw.allocationCount());
        TestTurnClient after = turnOver(fromAddress("127.0.0.1", port, next.certDer), port);
        assertNotNull(after.allocateOrFail(), "a new handshake gets the new certificate");
        assertThrows(IOException.class, () -> fromAddress("127.0.0.1", port, CERTS.certDer),
                "a client that expects the old certificate fails its handshake");
        assertEquals(opened + 1, gw.socketsOpened(DTLS_LISTENER), "no restart: the one new session");
        // A change whose certificate does not parse is rejected; the new one keeps serving.
        StunnerConfig bad = dtlsConfig(port, next, "127.0.0.1");
        ListenerConfig l = bad.listeners().get(0);
        StunnerConfig rejected = new StunnerConfig(bad.version(), bad.admin(), bad.auth(),
                List.of(new ListenerConfig(l.name(), l.protocol(), "", 0, l.address(), port, "bm90IGEgY2VydA==",
                        l.key(), l.routes())), bad.clusters());
        ConfigException e = assertThrows(ConfigException.class, () -> gw.apply(rejected));
        assertTrue(e.getMessage().contains(".cert: no certificate"), e.getMessage());
        assertNotNull(turnOver(fromAddress("127.0.0.2", port, next.certDer), port).allocateOrFail());
    }

    @Test
    void certificateOfARolledBackChangeIsNotServed() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        TestCertificates next = TestCertificates.ec();
        StunnerConfig change = dtlsConfig(port, next, "127.0.0.1");
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            // The same change adds a TURN-TCP listener on a port that is taken: all of it is rolled back.
            ListenerConfig dtls = change.listeners().get(0);
            ListenerConfig tcp = new ListenerConfig("testns/gateway/tcp-listener", ListenerProtocol.TURN_TCP, "", 0,
                    "127.0.0.1", busy.getLocalPort(), "", "", dtls.routes());
            StunnerConfig failing = new StunnerConfig(change.version(), change.admin(), change.auth(),
                    List.of(dtls, tcp), change.clusters());
            assertThrows(ConfigException.class, () -> gw.apply(failing));
        }
        assertNotNull(turnOver(fromAddress("127.0.0.1", port, CERTS.certDer), port).allocateOrFail(),
                "the running certificate after the rollback");
    }

    @Test
    void garbageDatagramsAreCountedAndTheListenerKeepsServing() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        TestDtlsClient d = TestDtlsClient.connect(port, CERTS.certDer, HANDSHAKE_MILLIS);
        TestTurnClient c = new TestTurnClient(d, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                USER, PASS);
        closeLater.add(c);
        assertNotNull(c.allocateOrFail());
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long malformed = count(Counter.MALFORMED_DATAGRAMS);
        long noSession = count(Counter.DTLS_NO_SESSION);
        Random rnd = new Random(7);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // plaintext STUN (a TURN-UDP client on the wrong port), short and random datagrams: malformed
            byte[] binding = TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST,
                    TransactionId.random()), null, false);
            s.send(new DatagramPacket(binding, binding.length, server));
            s.send(new DatagramPacket(new byte[] {22, (byte) 0xFE}, 2, server));
            // DTLS-looking records from a sender without a session: application data, and a handshake record that
            // is no ClientHello
            byte[] appData = record(23, 1, 40, rnd);
            s.send(new DatagramPacket(appData, appData.length, server));
            byte[] notHello = record(22, 0, 40, rnd);
            s.send(new DatagramPacket(notHello, notHello.length, server));
            assertTrue(await(() -> count(Counter.MALFORMED_DATAGRAMS) - malformed == 2
                    && count(Counter.DTLS_NO_SESSION) - noSession == 2, 2000), "malformed "
                    + (count(Counter.MALFORMED_DATAGRAMS) - malformed) + ", no session "
                    + (count(Counter.DTLS_NO_SESSION) - noSession));
            assertNull(receive(s, 300), "no answer to any of them");
        }
        // a forged record of the session's epoch from the client's own address: fails its MAC, is dropped
        long bad = count(Counter.DTLS_BAD_RECORDS);
        d.sendRaw(record(23, 1, 64, rnd));
        assertTrue(await(() -> count(Counter.DTLS_BAD_RECORDS) - bad == 1, 2000));
        // the session and the listener still serve
        assertEquals(1, connections());
        assertTrue(c.refresh(600).isSuccess(), "the session survived the forged record");
        assertNotNull(dtlsClient(port).allocateOrFail(), "and new clients are served");
        assertEquals(0, count(Counter.HANDLER_ERRORS));
    }

    @Test
    void clientHelloWithCookieOnAnEstablishedSessionReplacesIt() throws Exception {
        int port = start(DtlsLimits.defaults(), "127.0.0.1");
        TestDtlsClient first = TestDtlsClient.connect(port, CERTS.certDer, HANDSHAKE_MILLIS);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        TestTurnClient before = new TestTurnClient(first, server, USER, PASS);
        assertNotNull(before.allocateOrFail());
        // The client loses its state and starts over from the same port (RFC 6347 §4.2.8), without a close_notify.
        TestDtlsClient second = TestDtlsClient.connect(first.socket(), port, CERTS.certDer, HANDSHAKE_MILLIS);
        TestTurnClient after = new TestTurnClient(second, server, USER, PASS);
        closeLater.add(after);
        assertTrue(await(() -> count(Counter.DTLS_SESSIONS_OPENED) == 2 && connections() == 1, 2000));
        assertTrue(await(() -> gw.allocationCount() == 0, 2000), "the old session's allocation went with it");
        assertNotNull(after.allocateOrFail(), "the new session serves the same 5-tuple");
    }

    @Test
    void idleSessionWithoutAllocationExpires() throws Exception {
        int port = start(new DtlsLimits(4, 5000, 600), "127.0.0.1");
        dtlsClient(port);
        assertTrue(await(() -> connections() == 1, 2000));
        assertTrue(await(() -> connections() == 0, 3000), "closed after 600 ms without an allocation");
        assertEquals(1, count(Counter.DTLS_SESSIONS_CLOSED));
    }

    @Test
    void dtlsListenerIsServedAndABadKeyFailsTheListenerWithoutShowingIt() throws Exception {
        try (LogCapture logs = LogCapture.attach()) {
            int port = start(DtlsLimits.defaults(), "127.0.0.1");
            assertEquals(List.of(DTLS_LISTENER), gw.listenerNames());
            assertTrue(logs.matching("not implemented").isEmpty(), "no 'not served' warning: " + logs.lines());
            gw.close();
            gw = null;
            TestCertificates other = TestCertificates.ec();
            StunnerConfig good = dtlsConfig(port, CERTS, "127.0.0.1");
            ListenerConfig l = good.listeners().get(0);
            StunnerConfig mismatched = new StunnerConfig(good.version(), good.admin(), good.auth(),
                    List.of(new ListenerConfig(l.name(), ListenerProtocol.TURN_DTLS, "", 0, l.address(), port,
                            CERTS.certField(), other.keyField(), l.routes())), good.clusters());
            ConfigException e = assertThrows(ConfigException.class, () -> Gateway.start(mismatched));
            assertTrue(e.getMessage().contains("listeners[" + DTLS_LISTENER + "].key: does not belong to the certificate"),
                    e.getMessage());
            StunnerConfig garbage = new StunnerConfig(good.version(), good.admin(), good.auth(),
                    List.of(new ListenerConfig(l.name(), ListenerProtocol.TURN_DTLS, "", 0, l.address(), port,
                            "bm90IGEgY2VydA==", CERTS.keyField(), l.routes())), good.clusters());
            e = assertThrows(ConfigException.class, () -> Gateway.start(garbage));
            assertTrue(e.getMessage().contains(".cert: no certificate"), e.getMessage());
            String keyBody = CERTS.keyPem.split("\n")[1];
            assertFalse(String.join("\n", logs.lines()).contains(keyBody), "the key never reaches the log");
            assertTrue(TestGateways.udpPortIsFree(port), "nothing stays bound");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A handshake that sends its ClientHello twice (the second with the cookie) and then goes silent. */
    private static Void stall(DatagramSocket s, int port) {
        try {
            new DTLSClientProtocol().connect(TestDtlsClient.client(CERTS.certDer, 8000),
                    new TestDtlsClient.UdpTransport(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2));
        } catch (IOException | RuntimeException expected) {
            // the socket closes under it at the end of the test
        }
        return null;
    }

    /**
     * A real client's first two datagrams: its ClientHello without a cookie and, after the HelloVerifyRequest, with
     * it. The client then goes silent (its handshake times out on the server: counted, not asserted here).
     */
    private byte[][] captureClientHellos(int port) throws Exception {
        byte[][] out = new byte[2][];
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            Thread t = new Thread(() -> {
                try {
                    new DTLSClientProtocol().connect(TestDtlsClient.client(CERTS.certDer, 3000),
                            new TestDtlsClient.UdpTransport(s, server, Integer.MAX_VALUE) {
                                private int n;

                                @Override
                                public void send(byte[] buf, int off, int len) throws IOException {
                                    if (n < 2) {
                                        out[n] = Arrays.copyOfRange(buf, off, off + len);
                                    }
                                    if (n++ < 2) {
                                        super.send(buf, off, len);
                                    }
                                }
                            });
                } catch (IOException | RuntimeException expected) {
                    // closed below
                }
            });
            t.setDaemon(true);
            t.start();
            assertTrue(await(() -> out[1] != null, 3000), "the client sent its ClientHello twice");
        } finally {
            s.close();
        }
        return out;
    }

    /** A DTLS 1.2 record header of {@code type} and {@code epoch} with {@code length} random bytes. */
    private static byte[] record(int type, int epoch, int length, Random rnd) {
        byte[] r = new byte[13 + length];
        rnd.nextBytes(r);
        r[0] = (byte) type;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[3] = (byte) (epoch >>> 8);
        r[4] = (byte) epoch;
        r[11] = (byte) (length >>> 8);
        r[12] = (byte) length;
        if (type == 22) {
            r[13] = 2; // a ServerHello from a client: not a ClientHello
        }
        return r;
    }

    private static byte[] receive(DatagramSocket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
            return Arrays.copyOf(p.getData(), p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static byte[] awaitDatagram(TestTurnClient c) {
        byte[] d = c.receive(2000);
        assertNotNull(d, "a datagram from the server within 2 s");
        return d;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
