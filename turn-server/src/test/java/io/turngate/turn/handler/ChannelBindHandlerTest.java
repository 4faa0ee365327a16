package io.turngate.turn.handler;

import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.assertSuccess;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link ChannelBindHandler}: one test per outcome of RFC 8656 §12.2, with turngate's port checks. */
class ChannelBindHandlerTest {
    private static final int CHANNEL = 0x4001;

    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private void bind(int number, InetSocketAddress peer) {
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(number),
                new XorPeerAddress(peer)));
    }

    @Test
    void channelBindBindsTheChannelAndInstallsItsPermission() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        bind(CHANNEL, peer);
        assertSuccess(response(alice), ALICE);
        ChannelBinding b = a.channel(CHANNEL);
        assertNotNull(b);
        assertEquals(peer, b.peer());
        assertEquals(b, a.channelForPeer(peer));
        assertNotNull(a.permission(peer.getAddress()), "the binding implies a permission");
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindWithoutPeerAddressReturns400() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(CHANNEL)));
        assertError(400, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindWithNumberOutOfRangeReturns400() throws Exception {
        fx.allocate(alice, ALICE);
        bind(0x3FFF, address("10.1.2.3", 5004));
        assertError(400, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.CHANNEL_CONFLICT));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindOfTheSameNumberToAnotherPeerReturns400() throws Exception {
        fx.allocate(alice, ALICE);
        bind(CHANNEL, address("10.1.2.3", 5004));
        assertSuccess(response(alice), ALICE);
        bind(CHANNEL, address("10.1.2.3", 5006));
        assertError(400, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindOfTheSamePeerToAnotherNumberReturns400() throws Exception {
        fx.allocate(alice, ALICE);
        bind(CHANNEL, address("10.1.2.3", 5004));
        assertSuccess(response(alice), ALICE);
        bind(CHANNEL + 1, address("10.1.2.3", 5004));
        assertError(400, response(alice));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindRefreshOfTheSameBindingSucceeds() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        bind(CHANNEL, address("10.1.2.3", 5004));
        assertSuccess(response(alice), ALICE);
        long before = a.channel(CHANNEL).expiresAtNanos();
        fx.nanos.addAndGet(1_000_000_000L);
        bind(CHANNEL, address("10.1.2.3", 5004));
        assertSuccess(response(alice), ALICE);
        assertEquals(before + 1_000_000_000L, a.channel(CHANNEL).expiresAtNanos(), "refreshed");
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindToAPortOutsideTheRoutesRangeReturns403() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        bind(CHANNEL, address("10.1.2.3", 6000)); // 10.0.0.0/8 is routed for 5000-5999 only
        assertError(403, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.PEER_PORT_NOT_ROUTED));
        assertNull(a.channel(CHANNEL));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindToAnUnroutedPeerReturns403() throws Exception {
        fx.allocate(alice, ALICE);
        bind(CHANNEL, address("203.0.113.5", 5004));
        assertError(403, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.PEER_NOT_ROUTED));
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindToOneOfTheGatewaysOwnPortsReturns403() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.self.addPort(7777);
        bind(CHANNEL, address("127.0.0.1", 7777));
        assertError(403, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.PEER_OWN_PORT));
        assertNull(a.channel(CHANNEL));
        fx.self.removePort(7777);
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelBindToAnIpv6PeerOnAnIpv4RelayReturns443() throws Exception {
        fx.allocate(alice, ALICE);
        bind(CHANNEL, address("2001:db8::1", 5004));
        assertError(443, response(alice));
        assertFalse(fx.finish(alice));
    }
}
