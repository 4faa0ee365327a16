package io.turngate.server;

import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.ReservationToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NIO transport (the fallback when native epoll is unavailable, or {@code -Dturngate.transport=nio}) on the
 * paths where it differs from epoll: socket close/re-bind and the relay round trip.
 */
class NioTransportTest {
    private String previous;
    private Gateway gw;
    private int port;
    private TestPeer echo;
    private TestTurnClient a;
    private TestTurnClient b;

    @BeforeEach
    void setUp() throws Exception {
        previous = System.getProperty("turngate.transport");
        System.setProperty("turngate.transport", "nio");
        port = TestGateways.freeUdpPort();
        gw = Gateway.start(config(port, "127.0.0.1"));
        echo = TestPeer.echo();
        a = TestTurnClient.of(port, USER, PASS);
        b = TestTurnClient.of(port, USER, PASS);
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        echo.close();
        gw.close();
        if (previous == null) {
            System.clearProperty("turngate.transport");
        } else {
            System.setProperty("turngate.transport", previous);
        }
    }

    @Test
    void runsOnNio() {
        assertEquals(Transport.NIO, gw.transport());
    }

    @Test
    void relaysBothWaysOnNio() {
        a.allocateOrFail();
        assertTrue(a.channelBind(0x4000, echo.address()).isSuccess());
        a.sendChannelData(0x4000, new byte[] {1, 2, 3});
        TestPeer.Received got = echo.poll(2000);
        assertNotNull(got);
        assertArrayEquals(new byte[] {1, 2, 3}, got.data());
        byte[] back = a.receive(2000);
        assertNotNull(back);
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(back, 4, back.length));
        int relayPort = a.relayed().getPort();
        assertTrue(a.refresh(0).isSuccess());
        assertTrue(await(() -> TestGateways.udpPortIsFree(relayPort), 2000));
    }

    /** RFC 8656 §7.2: the reserved odd port is handed to the Allocate that presents the token. */
    @Test
    void reservationTokenOnNio() {
        Response ra = a.allocate(new EvenPort(true));
        assertTrue(ra.isSuccess(), () -> "EVEN-PORT allocate: " + ra);
        ReservationToken token = ra.attribute(ReservationToken.class);
        assertNotNull(token);
        Response rb = b.allocate(token);
        assertTrue(rb.isSuccess(), () -> "Allocate with RESERVATION-TOKEN on NIO: " + rb);
        assertEquals(a.relayed().getPort() + 1, b.relayed().getPort());
    }
}
