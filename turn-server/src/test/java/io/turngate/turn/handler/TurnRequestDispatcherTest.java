package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.UnknownAttributes;
import io.turngate.stun.attr.Username;
import io.turngate.turn.Allocation;
import io.turngate.turn.Refusal;
import io.turngate.turn.SourceRateLimiter;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.BOB;
import static io.turngate.turn.handler.CoreFixture.BOB_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.REALM;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.plain;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TurnRequestDispatcher}: what happens before a method's handler runs (RFC 8489 §6.3, §9.2 with STUNner's
 * codes), the refusal answers, and the sweep and close of the allocation table.
 */
class TurnRequestDispatcherTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    @Test
    void requestWithUnknownComprehensionRequiredAttributeReturns420WithUnknownAttributes() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE,
                new RequestedTransport(RequestedTransport.UDP), new UnknownAttribute(0x7F01, new byte[4])));
        ReceivedStun r = response(alice);
        assertError(420, r);
        assertEquals(List.of(0x7F01), r.message().attribute(UnknownAttributes.class).types());
        assertEquals(1, fx.counters.get("unknownAttributes"));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestWithUnknownOptionalAttributeIsServed() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.REQUEST, false, new UnknownAttribute(0xC0FE, new byte[4])));
        assertEquals(StunClass.SUCCESS_RESPONSE, response(alice).message().messageClass());
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestWithUnknownMethodReturns400() {
        fx.receive(alice, plain(0x0FF, StunClass.REQUEST, false));
        assertError(400, response(alice));
        assertEquals(1, fx.counters.get("unknownMethod"));
        assertEquals(1, fx.counters.refusals(Refusal.UNSUPPORTED_METHOD));
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestWithMalformedAttributeReturns400() {
        // An Allocate request whose REQUESTED-TRANSPORT has 2 value bytes (expected: 4), RFC 8489 §6.3.1.
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0003).writeShort(8).writeInt(0x2112A442);
        TransactionId.random().write(b);
        b.writeShort(0x0019).writeShort(2).writeShort(0x1100).writeShort(0);
        fx.receive(alice, b);
        assertError(400, response(alice));
        assertEquals(1, fx.counters.get("malformed"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void indicationOtherThanSendIsDroppedUnanswered() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.INDICATION, false));
        assertNull(alice.wire.readOutbound());
        assertEquals(1, fx.counters.get("indicationDropped"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void responseFromAClientIsDroppedUnanswered() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, false));
        assertNull(alice.wire.readOutbound());
        assertEquals(1, fx.counters.get("responseDropped"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void staleNonceReturns438WithAFreshNonceAndTheRealm() {
        ByteBuf req = fx.request(StunMethod.ALLOCATE, alice, ALICE, new RequestedTransport(RequestedTransport.UDP));
        fx.wallMillis.addAndGet(TimeUnit.HOURS.toMillis(2)); // the nonce's lifetime is 1 h
        fx.receive(alice, req);
        ReceivedStun r = response(alice);
        assertError(438, r);
        assertEquals(REALM, r.message().attribute(Realm.class).value());
        assertNotNull(r.message().attribute(Nonce.class));
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestWithWrongPasswordReturns400AsStunnerDoes() {
        StunMessage m = StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP), new Username(ALICE), new Realm(REALM),
                new Nonce(fx.auth.issueNonce(ALICE_ADDRESS)));
        ByteBuf req = StunCodec.encode(m, ByteBufAllocator.DEFAULT, CoreFixture.key(BOB), false); // Bob's password
        fx.receive(alice, req);
        assertError(400, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.AUTH_BAD_INTEGRITY));
        assertFalse(fx.finish(alice));
    }

    @Test
    void unauthenticatedAnswersOverTheSourceRateAreDroppedAndCounted() {
        CoreFixture limited = new CoreFixture(new SourceRateLimiter(1, 2, () -> 5_000_000_000L)); // a clock that stands still
        FakeClient c = limited.client(ALICE_ADDRESS);
        for (int i = 0; i < 5; i++) {
            limited.receive(c, plain(StunMethod.ALLOCATE, StunClass.REQUEST, false,
                    new RequestedTransport(RequestedTransport.UDP)));
        }
        assertError(401, response(c));
        assertError(401, response(c));
        assertNull(c.wire.readOutbound(), "the burst of 2 is used up");
        assertEquals(3, limited.counters.get("answerRateLimited"));
        assertEquals(5, limited.counters.refusals(Refusal.AUTH_MISSING_INTEGRITY), "every refusal is counted");
        assertFalse(limited.finish(c));
    }

    @Test
    void authenticatedRefusalsAreNotRateLimited() {
        CoreFixture limited = new CoreFixture(new SourceRateLimiter(1, 1, () -> 5_000_000_000L));
        FakeClient c = limited.client(ALICE_ADDRESS);
        for (int i = 0; i < 3; i++) {
            limited.receive(c, limited.request(StunMethod.REFRESH, c, ALICE, new Lifetime(600)));
            assertError(437, response(c));
        }
        assertEquals(0, limited.counters.get("answerRateLimited"));
        assertFalse(limited.finish(c));
    }

    @Test
    void answersInsideTheReadBatchAreQueuedNotFlushed() {
        fx.receive(alice, plain(StunMethod.BINDING, StunClass.REQUEST, false));
        assertEquals(StunClass.SUCCESS_RESPONSE, response(alice).message().messageClass());
        fx.allocate(alice, ALICE); // the fake relay ports complete inside the read batch
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(600)));
        assertEquals(StunClass.SUCCESS_RESPONSE, response(alice).message().messageClass());
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, BOB, new Lifetime(600)));
        assertError(441, response(alice));
        assertEquals(1, alice.flushes, "only the Allocate, which may complete outside a read batch, flushes itself;"
                + " the transport flushes everything else once at the end of its read batch");
        assertFalse(fx.finish(alice));
    }

    @Test
    void clientsAreToldApartByTheirFiveTuple() {
        FakeClient bob = fx.client(BOB_ADDRESS);
        Allocation a = fx.allocate(alice, ALICE);
        Allocation b = fx.allocate(bob, BOB);
        assertNotEquals(a.relay().port(), b.relay().port());
        assertEquals(2, fx.context.allocations().size());
        assertEquals(1, fx.context.allocations().allocationsPerUser().get(ALICE));
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void sweepDeletesExpiredAllocationsAndSweepsReservations() {
        fx.allocate(alice, ALICE);
        fx.nanos.addAndGet(TimeUnit.SECONDS.toNanos(Allocation.DEFAULT_LIFETIME_SECONDS - 1));
        fx.dispatcher.sweep();
        assertEquals(1, fx.context.allocations().size(), "not yet");
        fx.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        fx.dispatcher.sweep();
        assertEquals(0, fx.context.allocations().size());
        assertTrue(fx.relayPorts.sockets.get(0).closed);
        assertEquals(1, fx.counters.get("allocationExpired"));
        assertEquals(0, fx.listener.allocations);
        assertEquals(2, fx.relayPorts.sweeps);
        assertFalse(fx.finish(alice));
    }

    @Test
    void sweepLooksAtABoundedSliceOfTheTablePerCall() {
        List<FakeClient> clients = allocations(100);
        fx.nanos.addAndGet(TimeUnit.SECONDS.toNanos(Allocation.DEFAULT_LIFETIME_SECONDS));
        long now = fx.nanos.get();
        assertEquals(16, fx.dispatcher.sweep(now, 16));
        assertEquals(84, fx.context.allocations().size(), "one slice of 16 (expected: 16 expired)");
        assertEquals(50, fx.dispatcher.sweep(now, 50));
        assertEquals(34, fx.context.allocations().size(), "the next slice of the same pass");
        assertEquals(34, fx.dispatcher.sweep(now, 1000), "the rest of the pass");
        assertEquals(0, fx.context.allocations().size());
        assertEquals(100, fx.counters.get("allocationExpired"));
        for (FakeClient c : clients) {
            assertFalse(fx.finish(c));
        }
    }

    @Test
    void aSweepPassOverTheTableStartsAtMostOnceASecondAndEachCallIsBounded() {
        List<FakeClient> clients = allocations(100);
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        long deadline = fx.nanos.get() + TimeUnit.SECONDS.toNanos(Allocation.DEFAULT_LIFETIME_SECONDS);
        long t1 = deadline - 500 * ms;
        fx.nanos.set(t1);
        fx.dispatcher.sweep(); // the first call: a second's budget, a whole pass, nothing expired yet
        assertEquals(0, fx.dispatcher.sweep(t1 + 20 * ms, 1000), "20 ms later: the pass is done, no new one yet");
        fx.nanos.set(t1 + 999 * ms);
        fx.dispatcher.sweep();
        assertEquals(100, fx.context.allocations().size(), "expired, but no pass within a second of the last one");
        fx.nanos.set(t1 + 1000 * ms);
        fx.dispatcher.sweep(); // 1 ms after the previous call: 10 allocations' worth, raised to the smallest slice
        assertEquals(100 - TurnRequestDispatcher.MIN_SWEEP_SLICE, fx.context.allocations().size(),
                "a call 1 ms after the previous one looks at " + TurnRequestDispatcher.MIN_SWEEP_SLICE + " allocations");
        fx.nanos.set(t1 + 1020 * ms);
        fx.dispatcher.sweep(); // 20 ms: 200 allocations' worth, the rest of the pass
        assertEquals(0, fx.context.allocations().size());
        assertEquals(100, fx.counters.get("allocationExpired"));
        for (FakeClient c : clients) {
            assertFalse(fx.finish(c));
        }
    }

    private List<FakeClient> allocations(int n) {
        List<FakeClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FakeClient c = fx.client(new InetSocketAddress(ALICE_ADDRESS.getAddress(), 41000 + i));
            fx.allocate(c, ALICE);
            clients.add(c);
        }
        return clients;
    }

    @Test
    void oneSweepPassDeletesEveryExpiredAllocationBetweenLiveOnes() {
        List<FakeClient> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            FakeClient c = fx.client(new InetSocketAddress(ALICE_ADDRESS.getAddress(), 41000 + i));
            Allocation a = fx.allocate(c, ALICE);
            if (i % 3 == 0) { // every third lives on: deleting its neighbours moves allocations into their slots
                a.setExpiresAtNanos(a.expiresAtNanos() + TimeUnit.SECONDS.toNanos(60));
            }
            clients.add(c);
        }
        fx.nanos.addAndGet(TimeUnit.SECONDS.toNanos(Allocation.DEFAULT_LIFETIME_SECONDS));
        fx.dispatcher.sweep(); // a second's budget: the whole table in one pass
        assertEquals(34, fx.context.allocations().size(), "the live ones only");
        assertEquals(66, fx.counters.get("allocationExpired"));
        for (FakeClient c : clients) {
            assertFalse(fx.finish(c));
        }
    }

    @Test
    void closeAllDeletesEveryAllocation() {
        FakeClient bob = fx.client(BOB_ADDRESS);
        fx.allocate(alice, ALICE);
        fx.allocate(bob, BOB);
        fx.dispatcher.closeAll("listener closed");
        assertEquals(0, fx.context.allocations().size());
        assertEquals(2, fx.counters.get("allocationDeleted"));
        assertTrue(alice.allocationClosed && bob.allocationClosed);
        assertEquals(0, fx.listener.allocations);
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void clientClosedDeletesTheAllocationOfItsFiveTuple() {
        FakeClient bob = fx.client(BOB_ADDRESS);
        fx.allocate(alice, ALICE);
        fx.allocate(bob, BOB);
        fx.dispatcher.clientClosed(alice.fiveTuple(), "connection closed");
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        assertTrue(alice.allocationClosed);
        assertNotNull(fx.context.allocations().get(bob.fiveTuple()), "other clients keep theirs");
        assertEquals(1, fx.listener.allocations);
        fx.dispatcher.clientClosed(alice.fiveTuple(), "connection closed"); // twice: nothing more happens
        assertEquals(1, fx.counters.get("allocationDeleted"));
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void clientClosedDuringItsAllocateGivesTheQuotaBackAndTheLateSocketIsNotUsed() {
        fx.relayPorts.hold = true;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, new RequestedTransport(RequestedTransport.UDP)));
        fx.dispatcher.clientClosed(alice.fiveTuple(), "connection closed");
        assertEquals(0, fx.listener.allocations);
        fx.relayPorts.release();
        assertTrue(fx.relayPorts.sockets.isEmpty(), "not wanted any more");
        alice.wire.flush();
        assertNull(alice.wire.readOutbound());
        assertFalse(fx.finish(alice));
    }
}
