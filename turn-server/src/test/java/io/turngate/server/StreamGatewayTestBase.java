package io.turngate.server;

import static io.turngate.server.TestGateways.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TURN over a stream listener of an in-process gateway (RFC 8656 §3.1), with the project's test client on loopback
 * and a {@link TestPeer}: the whole relay (Allocate, CreatePermission, ChannelBind, Send/Data indications and
 * ChannelData both ways), the route rule's 403, one allocation per connection that goes with it, the connection
 * gauge, and reloads. {@link TcpGatewayTest} runs it over TURN-TCP, {@code TlsGatewayTest} over TURN-TLS.
 */
abstract class StreamGatewayTestBase {
    protected Gateway gw;
    protected TestPeer echo;
    protected int port;
    private final List<TestTurnClient> clients = new ArrayList<>();

    abstract ListenerProtocol protocol();

    /** The listener's {@code cert} and {@code key} fields ({@code ""} for TURN-TCP). */
    abstract String[] certAndKey();

    /** A client connected to the listener on {@code port}. */
    abstract TestTurnClient open(int port);

    StunnerConfig config(String... endpoints) {
        String[] ck = certAndKey();
        return TestGateways.config(protocol(), port, ck[0], ck[1], endpoints);
    }

    /** The gateway's options (the defaults; a subclass may bound the timeouts for its tests). */
    Gateway.Options options() {
        return Gateway.Options.defaults();
    }

    @BeforeEach
    void startGateway() throws Exception {
        echo = TestPeer.echo();
        port = TestGateways.freeTcpPort();
        gw = Gateway.start(config("127.0.0.1"), options());
    }

    @AfterEach
    void stopGateway() {
        clients.forEach(TestTurnClient::close);
        if (gw != null) {
            gw.close();
        }
        echo.close();
    }

    TestTurnClient client() {
        TestTurnClient c = open(port);
        clients.add(c);
        return c;
    }

    /** Fails unless the server closes {@code s} within {@code millis} (EOF, or a reset). */
    static void assertClosedByServer(Socket s, long millis, String what) {
        try {
            s.setSoTimeout((int) millis);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                if (in.read(buf) < 0) {
                    return;
                }
            }
            throw new AssertionError(what + ": still open after " + millis + " ms (expected: closed by the server)");
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": still open after " + millis + " ms (expected: closed by the server)");
        } catch (IOException reset) {
            // connection reset: closed too
        }
    }

    private static void assertSuccess(Response r) {
        assertTrue(r.isSuccess(), () -> "expected success: " + r);
    }

    @Test
    void allocatePermissionChannelBindAndDataBothWays() {
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        assertEquals(InetAddress.getLoopbackAddress(), relayed.getAddress(), "the relay side is UDP on 127.0.0.1");

        // Send and Data indications (RFC 8656 §11)
        assertSuccess(c.createPermission(echo.address()));
        byte[] hello = "hello over a stream".getBytes(StandardCharsets.US_ASCII);
        c.sendIndication(echo.address(), hello);
        TestPeer.Received at = echo.poll(2000);
        assertNotNull(at, "Send indication relayed to the peer");
        assertArrayEquals(hello, at.data());
        assertEquals(relayed.getPort(), at.from().getPort(), "the peer sees the relayed port");
        byte[] ind = c.receive(2000);
        assertNotNull(ind, "the echo back as a Data indication");
        ReceivedStun data = TestTurnClient.decode(ind);
        assertEquals(StunMethod.DATA, data.message().method());
        assertEquals(StunClass.INDICATION, data.message().messageClass());
        assertEquals(echo.address(), data.message().attribute(XorPeerAddress.class).address());
        assertArrayEquals(hello, data.message().attribute(Data.class).value());

        // ChannelData (RFC 8656 §12), padded both ways on a stream (§12.5): an unpadded frame from the server would
        // desynchronise the client's framing of the next one
        int ch = 0x4001;
        assertSuccess(c.channelBind(ch, echo.address()));
        for (int len : new int[] {1, 2, 3, 4, 5, 7, 8, 101, 1203, 1500}) {
            byte[] payload = new byte[len];
            for (int i = 0; i < len; i++) {
                payload[i] = (byte) (i * 31 + len);
            }
            c.sendChannelData(ch, payload);
            TestPeer.Received p = echo.poll(2000);
            assertNotNull(p, "peer got nothing for length " + len);
            assertArrayEquals(payload, p.data(), "payload at the peer, length " + len);
            byte[] back = c.receive(2000);
            assertNotNull(back, "no ChannelData back for length " + len);
            assertEquals(ch, ((back[0] & 0xFF) << 8) | (back[1] & 0xFF), "channel number");
            assertEquals(len, ((back[2] & 0xFF) << 8) | (back[3] & 0xFF), "ChannelData length field");
            assertArrayEquals(payload, Arrays.copyOfRange(back, 4, 4 + len));
        }
        ListenerStats st = gw.stats(TestGateways.LISTENER);
        assertTrue(st.peerTxPackets() >= 11 && st.peerRxPackets() >= 11, "relayed datagrams counted both ways");
        assertTrue(st.rxPackets() >= 11 && st.txPackets() >= 11, "frames counted on the listener");
    }

    @Test
    void peerOutsideTheRoutesGets403() {
        TestTurnClient c = client();
        c.allocateOrFail();
        InetSocketAddress unrouted = new InetSocketAddress("127.0.0.2", echo.port());
        assertEquals(403, c.createPermission(unrouted).errorCode());
        assertEquals(403, c.channelBind(0x4000, unrouted).errorCode());
        assertEquals(2, TestGateways.permissionRefusals(gw));
    }

    @Test
    void allocationIsDeletedWhenItsConnectionCloses() {
        TestTurnClient c = client();
        InetSocketAddress relayed = c.allocateOrFail();
        TestTurnClient other = client();
        other.allocateOrFail();
        assertEquals(2, gw.allocationCount());
        assertEquals(437, c.allocate().errorCode(), "one allocation per connection (RFC 8656 §7.2: 5-tuple in use)");
        c.close();
        assertTrue(await(() -> gw.allocationCount() == 1, 2000), "the closed connection's allocation went");
        assertTrue(await(() -> TestGateways.udpPortIsFree(relayed.getPort()), 2000), "its relay port is closed");
        assertTrue(other.refresh(600).isSuccess(), "the other connection's allocation is untouched");
        assertEquals(1, gw.counter(Counter.ALLOCATIONS_DELETED));
    }

    @Test
    void listenerConnectionsGaugeCountsOpenConnections() {
        TestTurnClient a = client();
        TestTurnClient b = client();
        TestTurnClient c = client();
        assertTrue(a.challenge().errorCode() == 401 && b.challenge().errorCode() == 401
                && c.challenge().errorCode() == 401);
        assertEquals(3, view().sockets(), "stunner_listener_connections = open connections");
        assertEquals(3, gw.socketsOpened(TestGateways.LISTENER));
        b.close();
        assertTrue(await(() -> view().sockets() == 2, 2000), () -> "after one closed: " + view().sockets());
        assertEquals(3, gw.socketsOpened(TestGateways.LISTENER), "connections accepted never go down");
    }

    Gateway.ListenerView view() {
        return gw.listenerViews().stream().filter(v -> v.config().name().equals(TestGateways.LISTENER)).findFirst()
                .orElseThrow();
    }

    @Test
    void reloadKeepsTheConnectionsOfAnUnchangedListenerAndClosesThoseOfARemovedOne() throws Exception {
        TestTurnClient c = client();
        c.allocateOrFail();
        // A route change is applied in place: the connection and its allocation stay.
        gw.apply(config("127.0.0.1", "127.0.0.3"));
        assertTrue(c.refresh(600).isSuccess(), "the allocation survived a reload that kept its listener");
        assertEquals(1, gw.allocationCount());
        // The listener goes away: its connections close and their allocations go.
        StunnerConfig cfg = config("127.0.0.1");
        gw.apply(new StunnerConfig(cfg.version(), cfg.admin(), cfg.auth(), List.of(), cfg.clusters()));
        assertClosedByServer(c.streamSocket(), 2000, "the connection of a removed listener");
        assertEquals(0, gw.allocationCount());
        assertTrue(await(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return false;
            } catch (IOException refused) {
                return true;
            }
        }, 2000), "nothing listens on the port any more");
    }
}
