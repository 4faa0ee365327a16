package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.DontFragment;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.ReservationToken;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.BOB;
import static io.turngate.turn.handler.CoreFixture.BOB_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.FIRST_RELAY_PORT;
import static io.turngate.turn.handler.CoreFixture.REALM;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.assertSuccess;
import static io.turngate.turn.handler.CoreFixture.plain;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AllocateHandler}: one test per outcome of RFC 8656 §7.2, over a fake client transport and fake relay ports. */
class AllocateHandlerTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static RequestedTransport udp() {
        return new RequestedTransport(RequestedTransport.UDP);
    }

    @Test
    void allocateWithoutMessageIntegrityReturns401WithRealmAndNonce() {
        fx.receive(alice, plain(StunMethod.ALLOCATE, StunClass.REQUEST, false, udp()));
        ReceivedStun r = response(alice);
        assertError(401, r);
        assertEquals(REALM, r.message().attribute(Realm.class).value());
        assertNotNull(r.message().attribute(Nonce.class));
        assertFalse(r.hasIntegrity(), "a challenge carries no MESSAGE-INTEGRITY");
        assertTrue(fx.relayPorts.requests.isEmpty(), "no relay port for an unauthenticated request");
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateSucceedsWithRelayedAddressLifetimeAndMappedAddress() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp()));
        ReceivedStun r = response(alice);
        assertSuccess(r, ALICE);
        assertEquals(new InetSocketAddress(fx.listener.relayAddress(), FIRST_RELAY_PORT),
                r.message().attribute(XorRelayedAddress.class).address(), "the listener's relay address and the port");
        assertEquals(Allocation.DEFAULT_LIFETIME_SECONDS, r.message().attribute(Lifetime.class).seconds());
        assertEquals(ALICE_ADDRESS, r.message().attribute(XorMappedAddress.class).address());
        assertNull(r.message().attribute(ReservationToken.class));
        Allocation a = fx.context.allocations().get(alice.fiveTuple());
        assertNotNull(a);
        assertSame(alice, a.client(), "the allocation keeps the client's transport");
        assertSame(a, fx.relayPorts.sockets.get(0).started, "the relay socket relays for the new allocation");
        assertTrue(fx.self.isOwnPort(FIRST_RELAY_PORT), "the relay port is one of the gateway's own");
        assertEquals(1, fx.counters.get("allocationCreated"));
        assertEquals(1, fx.listener.allocations);
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateRetransmissionWithSameTransactionIdGetsTheSameSuccessResponse() {
        TransactionId id = TransactionId.random();
        ByteBuf first = fx.request(StunMethod.ALLOCATE, id, alice, ALICE, udp());
        ByteBuf again = first.copy();
        fx.receive(alice, first);
        ReceivedStun r1 = response(alice);
        fx.receive(fx.sameFiveTuple(alice), again);
        ReceivedStun r2 = response(alice);
        assertSuccess(r2, ALICE);
        assertArrayEquals(r1.raw(), r2.raw(), "the stored response, byte for byte");
        assertEquals(1, fx.relayPorts.requests.size(), "one relay socket");
        assertEquals(1, fx.context.allocations().size());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateFromSameFiveTupleWithNewTransactionIdReturns437() {
        fx.allocate(alice, ALICE);
        fx.receive(fx.sameFiveTuple(alice), fx.request(StunMethod.ALLOCATE, alice, ALICE, udp()));
        assertError(437, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.ALLOCATION_EXISTS));
        assertEquals(1, fx.relayPorts.requests.size());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateRetransmittedWhileItsRelaySocketIsBindingIsDroppedAndTheLateSuccessIsFlushed() {
        fx.relayPorts.hold = true;
        TransactionId id = TransactionId.random();
        ByteBuf first = fx.request(StunMethod.ALLOCATE, id, alice, ALICE, udp());
        ByteBuf again = first.copy();
        fx.receive(alice, first);
        fx.receive(fx.sameFiveTuple(alice), again);
        assertNull(alice.wire.readOutbound(), "no answer while the relay socket binds");
        assertEquals(1, fx.relayPorts.requests.size(), "the retransmission asked for no second socket");

        fx.relayPorts.release();
        assertEquals(1, alice.flushes, "the core flushes an answer that completes outside a read batch");
        assertSuccess(response(alice), ALICE);
        assertEquals(1, fx.context.allocations().size());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithoutRequestedTransportReturns400() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE));
        assertError(400, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.BAD_REQUEST));
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithTcpRequestedTransportReturns442() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, new RequestedTransport(RequestedTransport.TCP)));
        assertError(442, response(alice));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithDontFragmentIsAccepted() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new DontFragment()));
        assertSuccess(response(alice), ALICE);
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithReservationTokenAndEvenPortReturns400() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new EvenPort(false),
                new ReservationToken(7)));
        assertError(400, response(alice));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithRequestedAddressFamilyIpv6WhereTheListenerHasNoIpv6RelayReturns440() {
        fx.listener.relayV6 = null;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new RequestedAddressFamily(2)));
        assertError(440, response(alice));
        assertEquals(0, fx.listener.allocations, "nothing counted against the caps");
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithEvenPortAsksTheAllocatorForAnEvenPortAndGetsNoToken() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new EvenPort(false)));
        ReceivedStun r = response(alice);
        assertSuccess(r, ALICE);
        assertNull(r.message().attribute(ReservationToken.class));
        assertEquals(new RelayPortAllocator.Request(true, true, false, null), fx.relayPorts.requests.get(0));
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithEvenPortReserveBitReturnsTheReservationToken() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new EvenPort(true)));
        ReceivedStun r = response(alice);
        assertSuccess(r, ALICE);
        assertEquals(new RelayPortAllocator.Request(true, true, true, null), fx.relayPorts.requests.get(0));
        assertEquals(fx.relayPorts.reservationToken, r.message().attribute(ReservationToken.class).token());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWithReservationTokenAsksForTheReservedPort() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new ReservationToken(42)));
        assertSuccess(response(alice), ALICE);
        assertEquals(new RelayPortAllocator.Request(true, false, false, 42L), fx.relayPorts.requests.get(0));
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateWhoseRelayPortCannotBeHadReturns508AndGivesTheQuotaBack() {
        fx.relayPorts.failWith = Refusal.INSUFFICIENT_CAPACITY;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new ReservationToken(42)));
        assertError(508, response(alice));
        assertEquals(0, fx.listener.allocations, "the quota taken for the Allocate is given back");
        assertEquals(0, fx.context.allocations().size());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocateOverTheUserQuotaReturns486() {
        fx.listener.quota = 1;
        fx.allocate(alice, ALICE);
        FakeClient second = fx.client(BOB_ADDRESS);
        fx.receive(second, fx.request(StunMethod.ALLOCATE, second, ALICE, udp()));
        assertError(486, response(second));
        FakeClient bob = fx.client(new InetSocketAddress(BOB_ADDRESS.getAddress(), 40002));
        fx.receive(bob, fx.request(StunMethod.ALLOCATE, bob, BOB, udp()));
        assertSuccess(response(bob), BOB);
        assertFalse(fx.finish(alice, second, bob));
    }

    @Test
    void allocateOverTheAllocationCapReturns508() {
        fx.listener.cap = 1;
        fx.allocate(alice, ALICE);
        FakeClient bob = fx.client(BOB_ADDRESS);
        fx.receive(bob, fx.request(StunMethod.ALLOCATE, bob, BOB, udp()));
        assertError(508, response(bob));
        assertEquals(1, fx.counters.refusals(Refusal.ALLOCATION_LIMIT));
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void allocateWithLifetimeAbove3600IsGranted3600() {
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(), new Lifetime(86_400)));
        assertEquals(Allocation.MAX_LIFETIME_SECONDS, response(alice).message().attribute(Lifetime.class).seconds());
        assertFalse(fx.finish(alice));
    }

    @Test
    void allocatePendingWhenTheListenerClosesGivesTheQuotaBackAndNeverAnswers() {
        fx.relayPorts.hold = true;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp()));
        assertEquals(1, fx.listener.allocations);
        fx.dispatcher.closeAll("listener closed");
        assertEquals(0, fx.listener.allocations, "the abandoned Allocate's quota is back at once");

        fx.relayPorts.release(); // the bind completes after the listener closed: not wanted any more
        assertTrue(fx.relayPorts.sockets.isEmpty(), "the fake allocator bound nothing for an unwanted request");
        assertNoAnswer(alice);
        assertFalse(fx.finish(alice));
    }

    @Test
    void relaySocketCompletedAfterTheListenerClosedIsClosedAtOnce() {
        fx.relayPorts.hold = true;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp()));
        fx.dispatcher.closeAll("listener closed");
        CoreFixture.FakeRelaySocket late = fx.relayPorts.releaseRegardless();
        assertTrue(late.closed, "a socket nobody wants is closed");
        assertNull(late.started);
        assertEquals(0, fx.context.allocations().size());
        assertEquals(0, fx.listener.allocations);
        assertNoAnswer(alice);
        assertFalse(fx.finish(alice));
    }

    private static void assertNoAnswer(FakeClient c) {
        c.wire.flush();
        assertNull(c.wire.readOutbound(), "no answer for an abandoned Allocate");
    }
}
