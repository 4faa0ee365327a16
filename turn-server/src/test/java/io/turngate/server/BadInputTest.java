package io.turngate.server;

import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.turngate.server.TestGateways.LISTENER;
import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.authFailures;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and malformed datagrams on a listener: each is dropped (or answered with an error), counted in exactly
 * one {@link Counter}, never crashes the event loop ({@link Counter#HANDLER_ERRORS} stays put), and the listener
 * still answers a Binding request afterwards.
 */
class BadInputTest {
    /** Counters that account for a dropped or refused datagram. */
    private static final Counter[] DROP_COUNTERS = {
        Counter.MALFORMED_DATAGRAMS, Counter.OVERSIZED_DATAGRAMS, Counter.BAD_FINGERPRINT, Counter.UNKNOWN_METHOD,
        Counter.UNKNOWN_ATTRIBUTE_REQUESTS, Counter.DROPPED_INDICATIONS, Counter.DROPPED_RESPONSES,
        Counter.NO_ALLOCATION, Counter.UNBOUND_CHANNEL, Counter.NO_PERMISSION,
    };

    private Gateway gw;
    private int port;
    private TestTurnClient client;
    private TestPeer peer;
    private Map<Counter, Long> before;
    private long authFailuresBefore;

    @BeforeEach
    void setUp() throws Exception {
        port = TestGateways.freeUdpPort();
        gw = Gateway.start(config(port, "127.0.0.1"));
        client = TestTurnClient.of(port, USER, PASS);
        peer = TestPeer.capture();
        before = snapshot();
        authFailuresBefore = authFailures(gw);
    }

    @AfterEach
    void tearDown() {
        try {
            assertEquals(before.get(Counter.HANDLER_ERRORS), gw.counter(Counter.HANDLER_ERRORS),
                    "an input made the event loop catch an exception");
            assertStillAnswersBinding();
        } finally {
            client.close();
            peer.close();
            gw.close();
        }
    }

    private Map<Counter, Long> snapshot() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            m.put(c, gw.counter(c));
        }
        return m;
    }

    private long delta(Counter c) {
        return gw.counter(c) - before.get(c);
    }

    private long authDelta() {
        return authFailures(gw) - authFailuresBefore;
    }

    /** Exactly {@code n} more requests were refused on the authentication path, and no drop counter moved. */
    private void assertAuthFailures(long n) {
        await(() -> authDelta() >= n, 2000);
        assertEquals(n, authDelta(), "auth failures");
        assertEquals(n, dropDelta(), () -> "other counters moved too: " + moved());
    }

    private long dropDelta() {
        long n = authDelta();
        for (Counter c : DROP_COUNTERS) {
            n += delta(c);
        }
        return n;
    }

    /** Waits until exactly {@code n} more datagrams were counted as {@code c}, and no other drop counter moved. */
    private void assertCounted(Counter c, long n) {
        await(() -> delta(c) >= n, 2000);
        assertEquals(n, delta(c), c.name());
        assertEquals(n, dropDelta(), () -> "other counters moved too: " + moved());
    }

    private Map<Counter, Long> moved() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            if (delta(c) != 0) {
                m.put(c, delta(c));
            }
        }
        return m;
    }

    private void assertStillAnswersBinding() {
        TestTurnClient fresh = TestTurnClient.of(port, USER, PASS);
        try {
            Response r = fresh.unauthenticated(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random()));
            assertTrue(r.isSuccess(), () -> "Binding after bad input: " + r);
            assertEquals(fresh.localAddress(), r.attribute(XorMappedAddress.class).address());
        } finally {
            fresh.close();
        }
    }

    private void assertNoAnswer() {
        byte[] d = client.receive(200);
        assertNull(d, () -> "unexpected answer of " + d.length + " bytes: " + Arrays.toString(Arrays.copyOf(d, Math.min(d.length, 24))));
    }

    private static byte[] bindingRequest(TransactionId tid, boolean fingerprint) {
        return TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, tid), null, fingerprint);
    }

    // ------------------------------------------------------------------------------------------------ STUN framing

    @Test
    void truncatedStunHeader() {
        byte[] full = bindingRequest(TransactionId.random(), false);
        client.sendRaw(Arrays.copyOf(full, 10));
        assertCounted(Counter.MALFORMED_DATAGRAMS, 1);
        assertNoAnswer();
    }

    @Test
    void stunLengthNotMultipleOfFour() {
        byte[] b = Arrays.copyOf(bindingRequest(TransactionId.random(), false), 22);
        b[3] = 2; // length 2
        client.sendRaw(b);
        assertCounted(Counter.MALFORMED_DATAGRAMS, 1);
        assertNoAnswer();
    }

    @Test
    void stunLengthBeyondDatagram() {
        byte[] b = Arrays.copyOf(bindingRequest(TransactionId.random(), false), 28);
        b[3] = 40; // says 40 bytes of attributes, carries 8
        b[20] = (byte) 0x80; // an optional attribute header so the 8 bytes would be plausible
        b[21] = 0x22;
        b[23] = 4;
        client.sendRaw(b);
        assertCounted(Counter.MALFORMED_DATAGRAMS, 1);
        assertNoAnswer();
    }

    @Test
    void attributeLengthBeyondMessage() {
        TransactionId tid = TransactionId.random();
        byte[] b = TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, tid,
                new UnknownAttribute(0x8022, new byte[4])), null, false);
        b[22] = 0;
        b[23] = 100; // attribute claims 100 bytes in an 8-byte body
        client.sendRaw(b);
        assertCounted(Counter.MALFORMED_DATAGRAMS, 1);
        byte[] answer = client.receive(200);
        if (answer != null) { // RFC 8489 §6.3.1.1 allows answering a malformed request with 400
            Response r = new Response(TestTurnClient.decode(answer), answer);
            assertEquals(400, r.errorCode(), () -> "answer to a malformed request: " + r);
            assertEquals(tid, r.message().transactionId());
        }
    }

    @Test
    void badFingerprint() {
        byte[] b = bindingRequest(TransactionId.random(), true);
        b[b.length - 1] ^= 0x01;
        client.sendRaw(b);
        assertCounted(Counter.BAD_FINGERPRINT, 1);
        assertNoAnswer(); // RFC 8489 §7.3: a FINGERPRINT that does not match means "not STUN": discard
    }

    @Test
    void badMessageIntegrityReturns400() {
        client.challenge();
        TransactionId tid = TransactionId.random();
        byte[] b = client.authenticatedBytes(StunMethod.ALLOCATE, tid,
                List.of(new RequestedTransport(RequestedTransport.UDP)));
        b[b.length - 1] ^= 0x40; // last byte of the HMAC (no FINGERPRINT follows)
        client.sendRaw(b);
        Response r = client.awaitResponseTo(tid);
        assertEquals(400, r.errorCode(), () -> "bad MESSAGE-INTEGRITY: " + r);
        assertAuthFailures(1);
        assertEquals(0, gw.allocationCount());
    }

    @Test
    void unknownMethodRequestAnswered400AndUnknownIndicationDropped() {
        TransactionId tid = TransactionId.random();
        Response r = client.unauthenticated(StunMessage.of(0x0AB, StunClass.REQUEST, tid));
        assertEquals(400, r.errorCode());
        assertCounted(Counter.UNKNOWN_METHOD, 1);
        before = snapshot();
        client.sendRaw(TestTurnClient.encode(StunMessage.of(0x0AB, StunClass.INDICATION, TransactionId.random()),
                null, false));
        assertCounted(Counter.DROPPED_INDICATIONS, 1);
        assertNoAnswer();
    }

    @Test
    void responsesSentToTheServerAreDropped() {
        client.sendRaw(TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE,
                TransactionId.random(), new XorMappedAddress(client.localAddress())), null, false));
        assertCounted(Counter.DROPPED_RESPONSES, 1);
        assertNoAnswer();
    }

    // ------------------------------------------------------------------------------------------------ ChannelData

    @Test
    void channelDataWithoutAllocation() {
        client.sendChannelData(0x4000, new byte[8]);
        assertCounted(Counter.NO_ALLOCATION, 1);
        assertNoAnswer();
    }

    @Test
    void channelDataOnUnboundChannel() {
        client.allocateOrFail();
        before = snapshot();
        client.sendChannelData(0x4005, new byte[] {1, 2, 3});
        assertCounted(Counter.UNBOUND_CHANNEL, 1);
        assertNoAnswer();
    }

    @Test
    void channelDataLengthBeyondDatagram() {
        client.allocateOrFail();
        assertTrue(client.channelBind(0x4000, peer.address()).isSuccess());
        before = snapshot();
        byte[] b = TestTurnClient.channelDataBytes(0x4000, new byte[4], false);
        b[3] = 16; // claims 16 bytes, carries 4
        client.sendRaw(b);
        assertCounted(Counter.MALFORMED_DATAGRAMS, 1);
        assertNull(peer.poll(200), "a truncated ChannelData must not be relayed");
        // A well-formed one on the same channel is relayed (proves the path is live).
        client.sendChannelData(0x4000, new byte[] {7, 7, 7});
        TestPeer.Received got = peer.poll(2000);
        assertNotNull(got);
        assertArrayEquals(new byte[] {7, 7, 7}, got.data());
    }

    // ------------------------------------------------------------------------------------------------ Send indications

    @Test
    void malformedSendIndicationsAreDropped() {
        client.allocateOrFail();
        assertTrue(client.createPermission(peer.address()).isSuccess());
        before = snapshot();
        TransactionId t1 = TransactionId.random();
        byte[] noData = TestTurnClient.encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, t1,
                new XorPeerAddress(peer.address())), null, false);
        byte[] noPeer = TestTurnClient.encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION,
                TransactionId.random(), new Data(new byte[] {1})), null, false);
        byte[] badFp = TestTurnClient.sendIndicationBytes(TransactionId.random(), new XorPeerAddress(peer.address()),
                new byte[] {2}, true);
        badFp[badFp.length - 2] ^= 0x10;
        byte[] unknownRequired = TestTurnClient.encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION,
                TransactionId.random(), new XorPeerAddress(peer.address()), new Data(new byte[] {3}),
                new UnknownAttribute(0x7F7F, new byte[4])), null, false);
        byte[] shortPeer = TestTurnClient.sendIndicationBytes(TransactionId.random(),
                new UnknownAttribute(0x0012, new byte[] {0, 1, 0, 0}), new byte[] {4}, false);
        for (byte[] b : List.of(noData, noPeer, badFp, unknownRequired, shortPeer)) {
            client.sendRaw(b);
        }
        assertCounted(Counter.DROPPED_INDICATIONS, 5);
        assertNull(peer.poll(200), "a malformed Send indication was relayed");
        // A well-formed one is relayed.
        client.sendIndication(peer.address(), new byte[] {5});
        TestPeer.Received got = peer.poll(2000);
        assertNotNull(got);
        assertArrayEquals(new byte[] {5}, got.data());
    }

    // ------------------------------------------------------------------------------------------------ size and garbage

    @Test
    void datagramOver1600BytesDroppedButExactly1600Answered() {
        TransactionId ok = TransactionId.random();
        // 0xC0DE: a comprehension-optional type turngate does not decode (0x8001 is ADDRESS-ERROR-CODE now)
        byte[] exactly = TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, ok,
                new UnknownAttribute(0xC0DE, new byte[1600 - 24])), null, false);
        assertEquals(1600, exactly.length);
        client.sendRaw(exactly);
        assertTrue(client.awaitResponseTo(ok).isSuccess());

        byte[] over = TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST,
                TransactionId.random(), new UnknownAttribute(0xC0DE, new byte[1604 - 24])), null, false);
        assertEquals(1604, over.length);
        client.sendRaw(over);
        client.sendRaw(new byte[3000]);
        assertCounted(Counter.OVERSIZED_DATAGRAMS, 2);
        assertNoAnswer();
    }

    @Test
    void firstByteInReservedRangesIsGarbage() {
        byte[] template = bindingRequest(TransactionId.random(), false);
        int[] firsts = {0x80, 0xA5, 0xBF, 0xC0, 0xFF};
        for (int f : firsts) {
            byte[] b = template.clone();
            b[0] = (byte) f;
            client.sendRaw(b);
        }
        assertCounted(Counter.MALFORMED_DATAGRAMS, firsts.length);
        assertNoAnswer();
    }

    @Test
    void emptyAndTinyDatagrams() {
        long rx = gw.stats(LISTENER).rxPackets();
        client.sendRaw(new byte[0]);
        client.sendRaw(new byte[] {0x00});
        client.sendRaw(new byte[] {0x40, 0x00, 0x00});
        // All three reach the handler (the empty one too, on epoll and NIO) and are counted as malformed.
        assertCounted(Counter.MALFORMED_DATAGRAMS, 3);
        assertEquals(3, gw.stats(LISTENER).rxPackets() - rx);
        assertNoAnswer();
    }

    @Test
    void thousandRandomDatagrams() {
        Random rnd = new Random(0x7E57_7E57L);
        int sent = 0;
        long rx = gw.stats(LISTENER).rxPackets();
        for (int i = 0; i < 1000; i++) {
            int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 1700);
            if (i % 4 == 0 && len >= 24) {
                len = 20 + ((len - 20) & ~3);
            }
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            if (i % 4 == 0 && len >= 24) {
                // a quarter pass the STUN header checks (top bits, cookie, length) and reach the attribute parser;
                // the first attribute is made optional so a malformed one is found further in
                b[0] &= 0x3F;
                b[2] = (byte) ((len - 20) >>> 8);
                b[3] = (byte) (len - 20);
                b[4] = 0x21;
                b[5] = 0x12;
                b[6] = (byte) 0xA4;
                b[7] = 0x42;
                b[20] |= (byte) 0x80;
            } else if (i % 4 == 1) {
                b[0] = (byte) (0x40 | (b[0] & 0x3F)); // ChannelData range
            }
            client.sendRaw(b);
            sent++;
            if (sent % 50 == 0) {
                int target = sent;
                // pace: let the listener catch up so the kernel never drops (the count is exact below)
                assertTrue(await(() -> gw.stats(LISTENER).rxPackets() - rx >= target, 5000),
                        "listener fell behind: " + (gw.stats(LISTENER).rxPackets() - rx) + " of " + target);
            }
        }
        assertEquals(1000, sent);
        await(() -> dropDelta() >= 1000, 3000);
        assertEquals(1000, gw.stats(LISTENER).rxPackets() - rx);
        assertEquals(1000, dropDelta(), () -> "each random datagram is counted exactly once: " + moved());
        // Random requests that decode (e.g. an unknown method) may be answered with an error; never with success.
        for (byte[] d = client.receive(200); d != null; d = client.receive(100)) {
            Response r = new Response(TestTurnClient.decode(d), d);
            assertTrue(r.isError(), () -> "random input got a non-error answer: " + r);
        }
        assertEquals(0, gw.allocationCount());
    }
}
