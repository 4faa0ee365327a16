package io.turngate.turn.handler;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.turn.Allocation;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import io.turngate.turn.handler.CoreFixture.FakeRelaySocket;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.BOB;
import static io.turngate.turn.handler.CoreFixture.FIRST_RELAY_PORT;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.assertSuccess;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RefreshHandler}: one test per outcome of RFC 8656 §8.2. */
class RefreshHandlerTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    @Test
    void refreshWithoutAllocationReturns437() {
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(600)));
        assertError(437, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.NO_ALLOCATION));
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshByAnotherUserThanTheAllocationsReturns441() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, BOB, new Lifetime(600)));
        assertError(441, response(alice));
        assertEquals(1, fx.context.allocations().size(), "the allocation stays");
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshExtendsTheLifetimeToTheGrantedOne() {
        Allocation a = fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(1200)));
        ReceivedStun r = response(alice);
        assertSuccess(r, ALICE);
        assertEquals(1200, r.message().attribute(Lifetime.class).seconds());
        assertEquals(fx.nanos.get() + TimeUnit.SECONDS.toNanos(1200), a.expiresAtNanos());
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshWithoutLifetimeGrantsTheDefault() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE));
        assertEquals(Allocation.DEFAULT_LIFETIME_SECONDS, response(alice).message().attribute(Lifetime.class).seconds());
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshWithLifetimeZeroDeletesTheAllocationAndClosesItsRelaySocket() {
        fx.allocate(alice, ALICE);
        FakeRelaySocket relay = fx.relayPorts.sockets.get(0);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(0)));
        ReceivedStun r = response(alice);
        assertSuccess(r, ALICE);
        assertEquals(0, r.message().attribute(Lifetime.class).seconds());
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        assertTrue(relay.closed, "relay socket closed");
        assertTrue(alice.allocationClosed, "the client transport drops what it still had queued");
        assertFalse(fx.self.isOwnPort(FIRST_RELAY_PORT), "the relay port is no longer the gateway's");
        assertEquals(0, fx.listener.allocations, "quota given back");
        assertEquals(1, fx.counters.get("allocationDeleted"));
        assertEquals(1, fx.counters.get("allocationClosed"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshWithAnotherAddressFamilyThanTheAllocationsReturns443() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new RequestedAddressFamily(2)));
        assertError(443, response(alice));
        assertFalse(fx.finish(alice));
    }
}
