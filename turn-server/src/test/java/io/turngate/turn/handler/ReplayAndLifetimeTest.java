package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.BOB;
import static io.turngate.turn.handler.CoreFixture.BOB_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.assertSuccess;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 14 item 5 on the fake clock: a signed request replayed on the same 5-tuple after its allocation was deleted
 * is stale (438), and expired permissions and channels leave no state once RFC 8656 §12's 5 minutes of channel reuse
 * have passed.
 */
class ReplayAndLifetimeTest {
    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static byte[] copy(ByteBuf b) {
        return ByteBufUtil.getBytes(b);
    }

    private void advanceSeconds(long s) {
        fx.nanos.addAndGet(TimeUnit.SECONDS.toNanos(s));
        fx.dispatcher.sweep();
    }

    @Test
    void allocateReplayedAfterRefreshToZeroIsStale() {
        ByteBuf allocate = fx.request(StunMethod.ALLOCATE, alice, ALICE, new RequestedTransport(RequestedTransport.UDP));
        byte[] captured = copy(allocate);
        ByteBuf permission = fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE,
                new XorPeerAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000)));
        byte[] capturedPermission = copy(permission);
        permission.release();
        fx.receive(alice, allocate);
        assertSuccess(response(alice), ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(0)));
        assertSuccess(response(alice), ALICE);
        assertNull(fx.context.allocations().get(alice.fiveTuple()));

        // An attacker replays the captured, correctly signed Allocate on the same 5-tuple.
        fx.receive(alice, Unpooled.wrappedBuffer(captured));
        ReceivedStun stale = response(alice);
        assertError(438, stale);
        assertNull(fx.context.allocations().get(alice.fiveTuple()), "no allocation from a replay");
        // ... and a request of the deleted allocation: 438 as well (the nonce died with it), not 437.
        fx.receive(alice, Unpooled.wrappedBuffer(capturedPermission));
        assertError(438, response(alice));
        assertEquals(2, fx.counters.refusals(Refusal.AUTH_STALE_NONCE));

        // The client itself retries with the fresh nonce of the 438 and gets a new allocation.
        assertNotNull(stale.message().attribute(Nonce.class));
        fx.allocate(alice, ALICE);
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestSignedBeforeTheAllocationExpiredIsStale() {
        fx.allocate(alice, ALICE);
        ByteBuf refresh = fx.request(StunMethod.REFRESH, TransactionId.random(), alice, ALICE, new Lifetime(600));
        byte[] captured = copy(refresh);
        refresh.release();
        advanceSeconds(601); // default lifetime 600 s: swept
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        fx.receive(alice, Unpooled.wrappedBuffer(captured));
        assertError(438, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void anotherClientsDeletedAllocationDoesNotStaleALiveOne() {
        FakeClient bob = fx.client(BOB_ADDRESS);
        fx.allocate(alice, ALICE);
        fx.allocate(bob, BOB);
        ByteBuf aliceRefresh = fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(600));
        fx.receive(bob, fx.request(StunMethod.REFRESH, bob, BOB, new Lifetime(0)));
        assertSuccess(response(bob), BOB);
        fx.receive(alice, aliceRefresh); // nonce of alice's allocation, issued before bob's went
        assertSuccess(response(alice), ALICE);
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void expiredChannelWaitsFiveMinutesBeforeReuseThenLeavesNothing() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peerA = address("10.1.2.3", 5004);
        InetSocketAddress peerB = address("10.1.2.4", 5004);
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(0x4001),
                new XorPeerAddress(peerA)));
        assertSuccess(response(alice), ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(3600)));
        assertSuccess(response(alice), ALICE);

        advanceSeconds(ChannelBinding.LIFETIME_SECONDS + 1);
        assertNull(a.channel(0x4001), "expired: no data through it");
        assertNull(a.channelForPeer(peerA));
        assertEquals(0, a.channelCount());
        assertEquals(1, a.expiredChannelCount());
        // RFC 8656 §12: neither the number to another peer nor the peer to another number for 5 minutes
        bindRefused(0x4001, peerB);
        bindRefused(0x4002, peerA);
        assertEquals(2, fx.counters.refusals(Refusal.CHANNEL_CONFLICT));

        advanceSeconds(ChannelBinding.REUSE_WAIT_SECONDS);
        assertEquals(0, a.expiredChannelCount(), "nothing left of the binding");
        assertEquals(0, a.permissionCount(), "nor of its permission");
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(0x4001),
                new XorPeerAddress(peerB)));
        assertSuccess(response(alice), ALICE);
        assertEquals(peerB, a.channel(0x4001).peer());
        assertFalse(fx.finish(alice));
    }

    @Test
    void expiredChannelMayBeBoundAgainToItsOwnPeerAtOnce() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peerA = address("10.1.2.3", 5004);
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(0x4001),
                new XorPeerAddress(peerA)));
        assertSuccess(response(alice), ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(3600)));
        assertSuccess(response(alice), ALICE);
        advanceSeconds(ChannelBinding.LIFETIME_SECONDS + 1);
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(0x4001),
                new XorPeerAddress(peerA)));
        assertSuccess(response(alice), ALICE);
        assertEquals(1, a.channelCount());
        assertEquals(0, a.expiredChannelCount());
        assertFalse(fx.finish(alice));
    }

    private void bindRefused(int number, InetSocketAddress peer) {
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(number),
                new XorPeerAddress(peer)));
        assertError(400, response(alice));
    }
}
