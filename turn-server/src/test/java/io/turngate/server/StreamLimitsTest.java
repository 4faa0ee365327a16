package io.turngate.server;

import static io.turngate.server.StreamGatewayTestBase.assertClosedByServer;
import static io.turngate.server.TestGateways.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.config.v1.ListenerProtocol;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The limits of a TURN-TCP listener ({@link StreamLimits}) against a real gateway on loopback: connection caps per
 * source IP and per listener, checked at accept and counted; and 1,000 idle connections, each closed by the
 * first-request or the idle deadline, while the listener keeps serving a real client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamLimitsTest {
    private Gateway gw;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<TestTurnClient> clients = new ArrayList<>();
    private int port;

    private void start(StreamLimits limits) throws Exception {
        port = TestGateways.freeTcpPort();
        gw = Gateway.start(TestGateways.config(ListenerProtocol.TURN_TCP, port, "", "", "127.0.0.1"),
                Gateway.Options.defaults().withStreamLimits(limits));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        clients.forEach(TestTurnClient::close);
        if (gw != null) {
            gw.close();
        }
    }

    private Socket connect(String fromIp) {
        try {
            Socket s = new Socket();
            sockets.add(s);
            s.bind(new InetSocketAddress(fromIp, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A connection from {@code fromIp} that the server refuses at accept: its RST (SO_LINGER 0) may reach the
     * client while it is still connecting (a reset in connect) or after (a reset or an end of stream on read).
     */
    private void assertRefusedAtAccept(String fromIp, String what) {
        Socket s;
        try {
            s = new Socket();
            sockets.add(s);
            s.bind(new InetSocketAddress(fromIp, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        } catch (java.net.SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), what + ": " + reset);
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertClosedByServer(s, 2000, what);
    }

    private TestTurnClient client() {
        TestTurnClient c = TestTurnClient.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                TestGateways.USER, TestGateways.PASS);
        clients.add(c);
        return c;
    }

    private int open() {
        return gw.listenerViews().get(0).connections();
    }

    private static byte[] binding() {
        return TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()),
                null, false);
    }

    @Test
    void connectionsOverThePerSourceLimitAreClosedAtAcceptAndOtherSourcesStillGetIn() throws Exception {
        start(StreamLimits.defaults().withConnections(0, 3));
        for (int i = 0; i < 3; i++) {
            connect("127.0.0.1");
        }
        assertTrue(await(() -> open() == 3, 2000));
        assertRefusedAtAccept("127.0.0.1", "a 4th connection from 127.0.0.1 (limit 3 per IP)");
        assertEquals(1, gw.counter(Counter.STREAM_SOURCE_LIMIT));
        assertEquals(3, open(), "the refused one was never counted open");
        Socket other = connect("127.0.0.2"); // another source IP on loopback
        other.getOutputStream().write(binding());
        other.setSoTimeout(2000);
        assertTrue(other.getInputStream().read() >= 0, "another source is served");
        sockets.get(0).close();
        assertTrue(await(() -> open() == 3, 2000));
        Socket again = connect("127.0.0.1");
        again.getOutputStream().write(binding());
        again.setSoTimeout(2000);
        assertTrue(again.getInputStream().read() >= 0, "a slot freed by a close is usable again");
        assertEquals(1, gw.counter(Counter.STREAM_SOURCE_LIMIT));
    }

    @Test
    void connectionsOverTheListenerLimitAreClosedAtAccept() throws Exception {
        start(StreamLimits.defaults().withConnections(5, 0));
        for (int i = 0; i < 5; i++) {
            connect("127.0.0." + (1 + i % 3));
        }
        assertTrue(await(() -> open() == 5, 2000));
        assertRefusedAtAccept("127.0.0.9", "a 6th connection (limit 5 per listener)");
        assertEquals(1, gw.counter(Counter.STREAM_LISTENER_LIMIT));
        assertEquals(0, gw.counter(Counter.STREAM_SOURCE_LIMIT));
        assertEquals(5, open());
    }

    @Test
    void thousandIdleConnectionsAreBoundedAndClosedByTheTimeoutsWhileTheListenerServes() throws Exception {
        int n = 1000;
        start(StreamLimits.defaults().withConnections(0, 0).withTimeouts(1500, 1500, 1500));
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Socket s = connect("127.0.0.1");
            if (i % 2 == 0) {
                s.getOutputStream().write(binding()); // one valid request, then silence: the idle deadline
            } else if (i % 4 == 1) {
                s.getOutputStream().write(new byte[] {0x00, 0x01, 0x00}); // a half-sent header, then silence
            } // else: nothing at all: the first-request deadline
        }
        // The listener serves a real client meanwhile.
        TestTurnClient c = client();
        c.allocateOrFail();
        assertTrue(await(() -> gw.counter(Counter.STREAM_FIRST_REQUEST_TIMEOUT) >= n / 2
                && gw.counter(Counter.STREAM_IDLE_TIMEOUT) >= n / 2, 15_000),
                () -> "first-request timeouts " + gw.counter(Counter.STREAM_FIRST_REQUEST_TIMEOUT) + ", idle timeouts "
                        + gw.counter(Counter.STREAM_IDLE_TIMEOUT) + " (expected: " + n / 2 + " each)");
        assertEquals(n / 2, gw.counter(Counter.STREAM_FIRST_REQUEST_TIMEOUT));
        assertEquals(n / 2, gw.counter(Counter.STREAM_IDLE_TIMEOUT));
        for (Socket s : sockets) {
            assertClosedByServer(s, 2000, "an idle connection");
        }
        assertTrue(c.refresh(600).isSuccess(), "the connection with an allocation is kept: its lifetime governs");
        assertTrue(await(() -> open() == 1, 2000), () -> "open connections " + open() + " (expected: the client's)");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "bounded in time");
        assertEquals(0, gw.counter(Counter.HANDLER_ERRORS));
    }
}
