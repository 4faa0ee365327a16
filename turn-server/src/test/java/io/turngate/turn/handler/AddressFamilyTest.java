package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.AdditionalAddressFamily;
import io.turngate.stun.attr.AddressErrorCode;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import io.turngate.turn.handler.CoreFixture.FakeRelaySocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.FIRST_RELAY_PORT;
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

/**
 * The relayed address family (RFC 8656 §7.2 REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY, §8.2, §10.2,
 * §12.2): an IPv6 allocation, a dual allocation and its partial outcome (ADDRESS-ERROR-CODE), the 400, 440 and 443
 * refusals, and peers reached through the relay socket of their family. The client itself is IPv4 throughout: the
 * relay's family does not depend on the client's.
 */
class AddressFamilyTest {
    private static final byte[] PAYLOAD = "dual-stack".getBytes(StandardCharsets.US_ASCII);

    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);
    private InetSocketAddress v4Peer;
    private InetSocketAddress v6Peer;

    @BeforeEach
    void routes() throws Exception {
        fx.listener.policy = CoreFixture.policy(CoreFixture.config("[\"127.0.0.1\", \"::1\", \"2001:db8::/32\"]"));
        v4Peer = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6000);
        v6Peer = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 6000);
    }

    private static RequestedTransport udp() {
        return new RequestedTransport(RequestedTransport.UDP);
    }

    private ReceivedStun allocate(io.turngate.stun.attr.StunAttribute... family) {
        io.turngate.stun.attr.StunAttribute[] attrs = new io.turngate.stun.attr.StunAttribute[family.length + 1];
        attrs[0] = udp();
        System.arraycopy(family, 0, attrs, 1, family.length);
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, attrs));
        return response(alice);
    }

    private ReceivedStun createPermission(InetSocketAddress peer) {
        fx.receive(alice, fx.request(StunMethod.CREATE_PERMISSION, alice, ALICE, new XorPeerAddress(peer)));
        return response(alice);
    }

    private ReceivedStun channelBind(int number, InetSocketAddress peer) {
        fx.receive(alice, fx.request(StunMethod.CHANNEL_BIND, alice, ALICE, new ChannelNumber(number),
                new XorPeerAddress(peer)));
        return response(alice);
    }

    private void sendIndication(Allocation a, InetSocketAddress peer) {
        ByteBuf b = plain(StunMethod.SEND, StunClass.INDICATION, false, new XorPeerAddress(peer), new Data(PAYLOAD));
        try {
            fx.sendIndications.onSendIndication(a, b, b.readerIndex(), b.readableBytes());
        } finally {
            b.release();
        }
    }

    private static List<XorRelayedAddress> relayed(ReceivedStun r) {
        return r.message().attributes(XorRelayedAddress.class);
    }

    // ------------------------------------------------------------------------------------------ IPv6 allocations

    @Test
    void requestedAddressFamilyIpv6GivesAnIpv6RelayedAddressToAnIpv4Client() {
        ReceivedStun r = allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6));
        assertSuccess(r, ALICE);
        assertEquals(List.of(new XorRelayedAddress(new InetSocketAddress(CoreFixture.ipv6Loopback(),
                FIRST_RELAY_PORT))), relayed(r));
        assertNull(r.message().attribute(AddressErrorCode.class));
        assertEquals(1, fx.relayPorts.requests.size());
        assertFalse(fx.relayPorts.requests.get(0).ipv4(), "an IPv6 relay socket was asked for");
        Allocation a = fx.context.allocations().get(alice.fiveTuple());
        assertNotNull(a.relay(false));
        assertNull(a.relay(true), "no IPv4 relayed address");
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestedAddressFamilyIpv4GivesAnIpv4RelayedAddress() {
        ReceivedStun r = allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV4));
        assertSuccess(r, ALICE);
        assertEquals(List.of(new XorRelayedAddress(new InetSocketAddress(fx.listener.relayAddress(),
                FIRST_RELAY_PORT))), relayed(r));
        assertTrue(fx.relayPorts.requests.get(0).ipv4());
        assertFalse(fx.finish(alice));
    }

    @Test
    void ipv6AllocationRelaysToIpv6PeersAndRefusesIpv4PeersWith443() {
        assertSuccess(allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6)), ALICE);
        Allocation a = fx.context.allocations().get(alice.fiveTuple());
        assertError(443, createPermission(v4Peer));
        assertError(443, channelBind(0x4000, v4Peer));
        assertEquals(2, fx.counters.refusals(Refusal.PEER_ADDRESS_FAMILY_MISMATCH));
        assertSuccess(createPermission(v6Peer), ALICE);
        sendIndication(a, v6Peer);
        fx.assertToPeer(v6Peer, PAYLOAD);
        sendIndication(a, v4Peer); // no permission could be installed for it
        assertEquals(1, fx.counters.get("noPermission"));
        // The peer's answer on the IPv6 relay socket reaches the client as for IPv4.
        ByteBuf data = Unpooled.wrappedBuffer(PAYLOAD);
        fx.peerData.onPeerDatagram(a, data, v6Peer);
        data.release();
        fx.peerData.onPeerReadComplete(a);
        ByteBuf out = alice.wire.readOutbound();
        assertNotNull(out, "Data indication to the client");
        try {
            ReceivedStun ind = StunCodec.decode(out);
            assertEquals(StunMethod.DATA, ind.message().method());
            assertEquals(v6Peer, ind.message().attribute(XorPeerAddress.class).address());
            assertArrayEquals(PAYLOAD, ind.message().attribute(Data.class).value());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            out.release();
        }
        assertFalse(fx.finish(alice));
    }

    @Test
    void theGatewaysOwnPortsOnIpv6LoopbackAreNeverAPeerEvenWhenARouteNamesIt() throws Exception {
        assertSuccess(allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6)), ALICE);
        Allocation a = fx.context.allocations().get(alice.fiveTuple());
        InetSocketAddress ownRelayPort = new InetSocketAddress(CoreFixture.ipv6Loopback(), FIRST_RELAY_PORT);
        assertError(403, channelBind(0x4000, ownRelayPort));
        assertEquals(1, fx.counters.refusals(Refusal.PEER_OWN_PORT));
        assertSuccess(createPermission(ownRelayPort), ALICE); // IP-only, as for IPv4; its data is dropped
        sendIndication(a, ownRelayPort);
        assertEquals(1, fx.counters.get("selfPeerDenied"));
        assertNull(fx.peerWire.readOutbound(), "nothing sent to the gateway's own port");
        assertFalse(fx.finish(alice));
    }

    @Test
    void ipv4AllocationRefusesIpv6PeersWith443() {
        fx.allocate(alice, ALICE);
        assertError(443, createPermission(v6Peer));
        assertError(443, channelBind(0x4000, v6Peer));
        assertSuccess(createPermission(v4Peer), ALICE);
        assertFalse(fx.finish(alice));
    }

    @Test
    void requestedIpv6WhereTheListenerHasNoIpv6RelayGets440AndBindsNothing() {
        fx.listener.relayV6 = null;
        assertError(440, allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6)));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertEquals(0, fx.listener.allocations, "nothing counted against the caps");
        assertFalse(fx.finish(alice));
    }

    @Test
    void unknownRequestedFamilyGets440() {
        assertError(440, allocate(new RequestedAddressFamily(3)));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    // ------------------------------------------------------------------------------------------ dual allocations

    @Test
    void additionalAddressFamilyGivesADualAllocationWithBothRelayedAddresses() {
        ReceivedStun r = allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6));
        assertSuccess(r, ALICE);
        assertEquals(List.of(
                new XorRelayedAddress(new InetSocketAddress(fx.listener.relayAddress(), FIRST_RELAY_PORT)),
                new XorRelayedAddress(new InetSocketAddress(CoreFixture.ipv6Loopback(), FIRST_RELAY_PORT + 2))),
                relayed(r), "IPv4 first, then IPv6");
        assertNull(r.message().attribute(AddressErrorCode.class));
        assertEquals(2, fx.relayPorts.requests.size());
        assertTrue(fx.relayPorts.requests.get(0).ipv4());
        assertFalse(fx.relayPorts.requests.get(1).ipv4());
        Allocation a = fx.context.allocations().get(alice.fiveTuple());
        FakeRelaySocket s4 = fx.relayPorts.sockets.get(0);
        FakeRelaySocket s6 = fx.relayPorts.sockets.get(1);
        assertSame(s4, a.relay(true));
        assertSame(s6, a.relay(false));
        assertSame(a, s4.started, "IPv4 socket delivers to the allocation");
        assertSame(a, s6.started, "IPv6 socket delivers to the allocation");
        assertTrue(fx.self.isOwnPort(s4.port) && fx.self.isOwnPort(s6.port), "both relay ports are the gateway's");

        // Each peer goes through the relay socket of its family.
        assertSuccess(createPermission(v4Peer), ALICE);
        assertSuccess(channelBind(0x4001, v6Peer), ALICE);
        sendIndication(a, v4Peer);
        fx.assertToPeer(v4Peer, PAYLOAD);
        assertEquals(1, s4.sent);
        assertEquals(0, s6.sent);
        ByteBuf cd = Unpooled.wrappedBuffer(PAYLOAD);
        fx.channelData.onChannelData(a, 0x4001, cd, 0, PAYLOAD.length);
        cd.release();
        fx.assertToPeer(v6Peer, PAYLOAD);
        assertEquals(1, s4.sent);
        assertEquals(1, s6.sent);

        // Deleting the allocation closes both sockets and frees both ports.
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new Lifetime(0)));
        assertSuccess(response(alice), ALICE);
        assertTrue(s4.closed && s6.closed);
        assertFalse(fx.self.isOwnPort(s4.port) || fx.self.isOwnPort(s6.port));
        assertEquals(0, fx.listener.allocations);
        assertFalse(fx.finish(alice));
    }

    @Test
    void dualAllocateRetransmissionGetsTheSameTwoAddresses() {
        io.turngate.stun.TransactionId id = io.turngate.stun.TransactionId.random();
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, id, alice, ALICE, udp(),
                new AdditionalAddressFamily(RequestedAddressFamily.IPV6)));
        List<XorRelayedAddress> first = relayed(response(alice));
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, id, alice, ALICE, udp(),
                new AdditionalAddressFamily(RequestedAddressFamily.IPV6)));
        assertEquals(first, relayed(response(alice)));
        assertEquals(2, first.size());
        assertEquals(2, fx.relayPorts.requests.size(), "no new sockets for a retransmission");
        assertFalse(fx.finish(alice));
    }

    @Test
    void dualAllocationWhereTheListenerHasNoIpv6GivesIpv4AndAddressErrorCode440() {
        fx.listener.relayV6 = null;
        ReceivedStun r = allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6));
        assertSuccess(r, ALICE);
        assertEquals(List.of(new XorRelayedAddress(new InetSocketAddress(fx.listener.relayAddress(),
                FIRST_RELAY_PORT))), relayed(r));
        AddressErrorCode e = r.message().attribute(AddressErrorCode.class);
        assertNotNull(e, "ADDRESS-ERROR-CODE for the family not allocated");
        assertEquals(RequestedAddressFamily.IPV6, e.family());
        assertEquals(440, e.code());
        assertEquals(1, fx.relayPorts.requests.size(), "no IPv6 socket asked for");
        assertError(443, createPermission(v6Peer));
        assertFalse(fx.finish(alice));
    }

    @Test
    void dualAllocationWhoseIpv6SocketCannotBeBoundGivesIpv4AndAddressErrorCode508() {
        fx.relayPorts.failIpv6With = Refusal.INSUFFICIENT_CAPACITY;
        ReceivedStun r = allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6));
        assertSuccess(r, ALICE);
        assertEquals(1, relayed(r).size());
        AddressErrorCode e = r.message().attribute(AddressErrorCode.class);
        assertEquals(RequestedAddressFamily.IPV6, e.family());
        assertEquals(508, e.code());
        assertEquals(1, fx.listener.allocations);
        assertFalse(fx.finish(alice));
    }

    @Test
    void dualAllocateAbandonedWhileItsIpv6SocketBindsClosesItsIpv4Socket() {
        fx.relayPorts.hold = true;
        fx.receive(alice, fx.request(StunMethod.ALLOCATE, alice, ALICE, udp(),
                new AdditionalAddressFamily(RequestedAddressFamily.IPV6)));
        fx.relayPorts.release(); // the IPv4 socket: the IPv6 one is asked for next
        assertEquals(2, fx.relayPorts.requests.size());
        FakeRelaySocket s4 = fx.relayPorts.sockets.get(0);
        fx.dispatcher.clientClosed(alice.fiveTuple(), "test");
        assertTrue(s4.closed, "the bound IPv4 socket is not leaked");
        assertEquals(0, fx.listener.allocations, "quota back");
        fx.relayPorts.release(); // the IPv6 bind completes late: not wanted, nothing answered
        assertNull(alice.wire.readOutbound());
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        assertFalse(fx.finish(alice));
    }

    @Test
    void coturnsPre48AdditionalAddressFamilyMakesADualAllocationAndGetsItsOwnAddressErrorCode() {
        // turnutils_uclient -Z of coturn < 4.8.0 sends ADDITIONAL-ADDRESS-FAMILY as 0x8032.
        assertEquals(2, relayed(allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6, true))).size());
        FakeClient bob = fx.client(CoreFixture.BOB_ADDRESS);
        fx.listener.relayV6 = null;
        fx.receive(bob, fx.request(StunMethod.ALLOCATE, bob, CoreFixture.BOB, udp(),
                new AdditionalAddressFamily(RequestedAddressFamily.IPV6, true)));
        ReceivedStun r = response(bob);
        assertSuccess(r, CoreFixture.BOB);
        AddressErrorCode e = r.message().attribute(AddressErrorCode.class);
        assertEquals(io.turngate.stun.attr.AttributeType.ADDRESS_ERROR_CODE_DRAFT, e.type(), "0x8033, as it expects");
        assertEquals(440, e.code());
        assertFalse(fx.finish(alice, bob));
    }

    @Test
    void bothRequestedAndAdditionalAddressFamilyGet400() {
        assertError(400, allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV4),
                new AdditionalAddressFamily(RequestedAddressFamily.IPV6)));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    @Test
    void additionalAddressFamilyIpv4Gets400AndAnUnknownOne440() {
        assertError(400, allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV4)));
        assertError(440, allocate(new AdditionalAddressFamily(7)));
        assertTrue(fx.relayPorts.requests.isEmpty());
        assertFalse(fx.finish(alice));
    }

    @Test
    void reservationTokenWithAdditionalAddressFamilyGets400() {
        assertError(400, allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6),
                new io.turngate.stun.attr.ReservationToken(7)));
        assertFalse(fx.finish(alice));
    }

    // ------------------------------------------------------------------------------------------ Refresh (§8.2)

    @Test
    void refreshWithTheOtherFamilyGets443AndWithItsOwnSucceeds() {
        fx.allocate(alice, ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE,
                new RequestedAddressFamily(RequestedAddressFamily.IPV6)));
        assertError(443, response(alice));
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE,
                new RequestedAddressFamily(RequestedAddressFamily.IPV4)));
        assertSuccess(response(alice), ALICE);
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshOfAnIpv6AllocationWithIpv4Gets443() {
        assertSuccess(allocate(new RequestedAddressFamily(RequestedAddressFamily.IPV6)), ALICE);
        fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE,
                new RequestedAddressFamily(RequestedAddressFamily.IPV4)));
        assertError(443, response(alice));
        assertNotNull(fx.context.allocations().get(alice.fiveTuple()), "the allocation stays");
        assertFalse(fx.finish(alice));
    }

    @Test
    void refreshOfADualAllocationAcceptsEitherFamily() {
        assertSuccess(allocate(new AdditionalAddressFamily(RequestedAddressFamily.IPV6)), ALICE);
        for (int family : new int[] {RequestedAddressFamily.IPV4, RequestedAddressFamily.IPV6}) {
            fx.receive(alice, fx.request(StunMethod.REFRESH, alice, ALICE, new RequestedAddressFamily(family)));
            assertSuccess(response(alice), ALICE);
        }
        assertFalse(fx.finish(alice));
    }
}
