package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.relay.ChannelData;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link PeerDataHandler}: RFC 8656 §11.3 and §12.7, a peer's datagram to the client as ChannelData or a Data
 * indication through the client's transport, or dropped and counted.
 */
class PeerDataHandlerTest {
    private static final int CHANNEL = 0x4001;
    private static final byte[] PAYLOAD = {9, 8, 7, 6, 5, 4, 3};

    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private void fromPeer(Allocation a, InetSocketAddress peer) {
        ByteBuf data = Unpooled.wrappedBuffer(PAYLOAD);
        fx.peerData.onPeerDatagram(a, data, peer);
        assertEquals(PAYLOAD.length, data.readableBytes(), "the datagram is not consumed");
        data.release();
    }

    @Test
    void datagramFromABoundPeerReachesTheClientAsChannelData() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        a.bindChannel(CHANNEL, peer, false, fx.nanos.get());
        fromPeer(a, peer);
        fx.peerData.onPeerReadComplete(a);
        ByteBuf out = alice.wire.readOutbound();
        assertNotNull(out);
        assertEquals(CHANNEL, ChannelData.channelNumber(out, out.readerIndex()));
        assertEquals(PAYLOAD.length, ChannelData.length(out, out.readerIndex()));
        out.release();
        assertEquals(PAYLOAD.length, fx.counters.fromPeerBytes);
        assertFalse(fx.finish(alice));
    }

    @Test
    void datagramFromAPermittedPeerWithoutAChannelReachesTheClientAsDataIndication() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        fx.permit(a, peer);
        fromPeer(a, peer);
        fx.peerData.onPeerReadComplete(a);
        ReceivedStun r = response(alice);
        assertEquals(StunMethod.DATA, r.message().method());
        assertEquals(StunClass.INDICATION, r.message().messageClass());
        assertEquals(peer, r.message().attribute(XorPeerAddress.class).address());
        assertArrayEquals(PAYLOAD, r.message().attribute(Data.class).value());
        assertFalse(fx.finish(alice));
    }

    @Test
    void datagramFromAPeerWithoutAPermissionIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        fromPeer(a, address("10.1.2.3", 5004));
        fx.peerData.onPeerReadComplete(a);
        assertNull(alice.wire.readOutbound());
        assertEquals(1, fx.counters.get("noPermission"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void datagramFromAPeerPortTheRoutesDoNotAllowIsDropped() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 6000);
        fx.permit(a, peer);
        fromPeer(a, peer);
        fx.peerData.onPeerReadComplete(a);
        assertNull(alice.wire.readOutbound());
        assertEquals(1, fx.counters.get("peerPortDenied"));
        assertFalse(fx.finish(alice));
    }

    @Test
    void relayedDataIsQueuedUntilTheRelaySocketsReadBatchEnds() throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        InetSocketAddress peer = address("10.1.2.3", 5004);
        fx.permit(a, peer);
        int flushes = alice.flushes;
        fromPeer(a, peer);
        fromPeer(a, peer);
        assertEquals(flushes, alice.flushes, "nothing flushed per datagram");
        assertNull(alice.wire.readOutbound(), "queued, not sent");
        fx.peerData.onPeerReadComplete(a);
        assertEquals(flushes + 1, alice.flushes, "one flush per read batch");
        response(alice);
        response(alice);
        assertFalse(fx.finish(alice));
    }
}
