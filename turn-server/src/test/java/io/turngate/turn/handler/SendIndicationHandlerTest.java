package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link SendIndicationHandler}: RFC 8656 §11.2, a Send indication's DATA to its peer or dropped (and counted, never
 * answered), over the real allocation-free reader ({@code relay.Indications}) and a fake relay socket.
 */
class SendIndicationHandlerTest {
    private static final byte[] PAYLOAD = "hello, peer".getBytes(StandardCharsets.US_ASCII);

    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private void send(Allocation a, ByteBuf indication) {
        try {
            fx.sendIndications.onSendIndication(a, indication, indication.readerIndex(), indication.readableBytes());
        } finally {
            indication.release();
        }
    }

    private static ByteBuf indication(InetSocketAddress peer) {
        return plain(StunMethod.SEND, StunClass.INDICATION, false, new XorPeerAddress(peer), new Data(PAYLOAD));
    }

    @Test
    void sendIndicationWithAPermissionIsRelayedToThePeer() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        fx.permit(a, peer);
        send(a, indication(peer));
        fx.assertToPeer(peer, PAYLOAD);
        assertEquals(1, fx.counters.get("relayedToPeer"));
        assertEquals(PAYLOAD.length, fx.counters.toPeerBytes);
        assertNull(alice.wire.readOutbound(), "an indication is never answered");
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationWithoutAPermissionIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        send(a, indication(address("10.1.2.3", 5004)));
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("noPermission"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationWithoutAnAllocationIsDropped() throws Exception {
        send(null, indication(address("10.1.2.3", 5004)));
        assertEquals(1, fx.counters.get("noAllocation"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationWithoutDataIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.permit(a, address("10.1.2.3", 5004));
        send(a, plain(StunMethod.SEND, StunClass.INDICATION, false, new XorPeerAddress(address("10.1.2.3", 5004))));
        assertEquals(1, fx.counters.get("indicationDropped"));
        assertNull(fx.peerWire.readOutbound());
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationWithUnknownComprehensionRequiredAttributeIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        fx.permit(a, peer);
        send(a, plain(StunMethod.SEND, StunClass.INDICATION, false, new XorPeerAddress(peer), new Data(PAYLOAD),
                new UnknownAttribute(0x7F01, new byte[4])));
        assertEquals(1, fx.counters.get("indicationDropped"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationToAPortOutsideTheRoutesRangeIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 6000);
        fx.permit(a, peer); // the permission is for the IP; the port range is checked per packet
        send(a, indication(peer));
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("peerPortDenied"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationToOneOfTheGatewaysOwnPortsIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("127.0.0.1", 7777);
        fx.permit(a, peer);
        fx.self.addPort(7777);
        send(a, indication(peer));
        fx.self.removePort(7777);
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("selfPeerDenied"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationToAnIpv4MappedPeerUsesTheIpv4Permission() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fx.permit(a, address("10.1.2.3", 5004));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3};
        InetSocketAddress v6 = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 5004);
        send(a, indication(v6));
        fx.assertToPeer(address("10.1.2.3", 5004), PAYLOAD);
        assertFalse(fx.finish(alice));
    }

    @Test
    void sendIndicationDataIsCopiedAtItsOffsetInALargerBuffer() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        fx.permit(a, peer);
        ByteBuf ind = indication(peer);
        ByteBuf framed = ByteBufAllocator.DEFAULT.buffer().writeZero(7).writeBytes(ind);
        ind.release();
        try {
            fx.sendIndications.onSendIndication(a, framed, 7, framed.readableBytes() - 7);
        } finally {
            framed.release();
        }
        fx.assertToPeer(peer, PAYLOAD);
        assertFalse(fx.finish(alice));
    }
}
