package io.turngate.server;

import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Username;
import io.turngate.turn.IntegrityPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.REALM;
import static io.turngate.server.TestGateways.USER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8489's long-term credentials end to end through a real gateway on loopback UDP: {@link TestTurnClient} as an
 * RFC 8489 client (PASSWORD-ALGORITHM SHA-256, MESSAGE-INTEGRITY-SHA256, USERHASH) allocates and relays to a peer,
 * next to an RFC 5389 client on the same gateway; {@code --integrity sha256-required} refuses the RFC 5389 client.
 */
class Rfc8489GatewayTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Gateway gw;
    private int port;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (gw != null) {
            gw.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private void start(IntegrityPolicy policy) throws Exception {
        port = TestGateways.freeUdpPort();
        gw = Gateway.start(TestGateways.config(port, "127.0.0.1"), Gateway.Options.defaults().withIntegrity(policy));
    }

    private static void assertRelays(TestTurnClient c, TestPeer echo) {
        assertTrue(c.createPermission(echo.address()).isSuccess());
        byte[] payload = "rfc8489 over the relay".getBytes(StandardCharsets.UTF_8);
        c.sendIndication(echo.address(), payload);
        byte[] back = c.receive(2000);
        assertNotNull(back, "the echo came back through the relay");
        assertTrue(new String(back, StandardCharsets.ISO_8859_1).contains("rfc8489 over the relay"));
    }

    @Test
    void sha256WithUserHashAllocatesAndRelaysNextToAnRfc5389Client() throws Exception {
        start(IntegrityPolicy.SHA1_ALLOWED);
        TestPeer echo = track(TestPeer.echo());
        TestTurnClient modern = track(TestTurnClient.of(port, USER, PASS).withRfc8489(true));

        TestTurnClient.Response r = modern.allocate();
        assertTrue(r.isSuccess(), r::toString);
        assertEquals(PasswordAlgorithm.of(PasswordAlgorithm.SHA256), modern.passwordAlgorithm(),
                "SHA-256 is first in the offer");
        assertFalse(r.stun().hasIntegrity(), "answered with MESSAGE-INTEGRITY-SHA256 only");
        assertTrue(r.stun().verifyIntegritySha256(modern.key()));
        assertEquals(32, modern.key().length);
        assertTrue(modern.nonce().startsWith("obMatJos2wAAA"), modern.nonce());
        assertRelays(modern, echo);

        TestTurnClient legacy = track(TestTurnClient.of(port, USER, PASS));
        TestTurnClient.Response l = legacy.allocate();
        assertTrue(l.isSuccess(), l::toString);
        assertTrue(l.stun().verifyIntegrity(legacy.key()));
        assertFalse(l.stun().hasIntegritySha256());
        assertRelays(legacy, echo);
        assertEquals(2, gw.allocationCount(TestGateways.LISTENER));
    }

    @Test
    void withUserHashTheUsernameNeverCrossesTheWire() throws Exception {
        start(IntegrityPolicy.SHA1_ALLOWED);
        TestTurnClient modern = track(TestTurnClient.of(port, USER, PASS).withRfc8489(true));
        modern.challenge();
        byte[] wire = modern.authenticatedBytes(io.turngate.stun.StunMethod.ALLOCATE,
                io.turngate.stun.TransactionId.random(), List.of());
        org.junit.jupiter.api.Assertions.assertNull(TestTurnClient.decode(wire).message().attribute(Username.class));
        assertFalse(new String(wire, StandardCharsets.ISO_8859_1).contains(USER), "no username on the wire");
    }

    @Test
    void sha256RequiredRefusesRfc5389ClientsAndServesRfc8489Ones() throws Exception {
        start(IntegrityPolicy.SHA256_REQUIRED);
        TestTurnClient legacy = track(TestTurnClient.of(port, USER, PASS));
        TestTurnClient.Response refused = legacy.allocate();
        assertEquals(401, refused.errorCode(), refused::toString);
        assertEquals(PasswordAlgorithms.of(PasswordAlgorithm.SHA256), refused.attribute(PasswordAlgorithms.class));
        assertEquals(0, gw.allocationCount(TestGateways.LISTENER));

        TestPeer echo = track(TestPeer.echo());
        TestTurnClient modern = track(TestTurnClient.of(port, USER, PASS).withRfc8489(false));
        TestTurnClient.Response ok = modern.allocate();
        assertTrue(ok.isSuccess(), ok::toString);
        assertTrue(ok.stun().verifyIntegritySha256(modern.key()));
        assertRelays(modern, echo);
        assertEquals(REALM, modern.realm());
    }
}
