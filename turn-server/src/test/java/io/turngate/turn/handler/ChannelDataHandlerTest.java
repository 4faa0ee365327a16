package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.turngate.turn.Allocation;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.routedConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link ChannelDataHandler}: RFC 8656 §12.6, ChannelData from the client to the bound peer, or dropped and counted. */
class ChannelDataHandlerTest {
    private static final int CHANNEL = 0x4001;

    private final CoreFixture fx = new CoreFixture();
    private final FakeClient alice = fx.client(ALICE_ADDRESS);
    /** A framed ChannelData message's payload, at an offset as in a received datagram or stream frame. */
    private final ByteBuf frame = Unpooled.buffer().writeZero(4).writeBytes(new byte[] {1, 2, 3, 4, 5});

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private Allocation bound(InetSocketAddress peer) throws Exception {
        Allocation a = fx.allocate(alice, ALICE);
        a.bindChannel(CHANNEL, peer, fx.self.isLocal(peer.getAddress()), fx.nanos.get());
        return a;
    }

    private void channelData(Allocation a, int number) {
        fx.channelData.onChannelData(a, number, frame, 4, 5);
    }

    @Test
    void channelDataOnABoundChannelIsRelayedToItsPeer() throws Exception {
        InetSocketAddress peer = address("10.1.2.3", 5004);
        channelData(bound(peer), CHANNEL);
        DatagramPacket d = fx.toPeer();
        assertEquals(peer, d.recipient());
        byte[] got = new byte[d.content().readableBytes()];
        d.content().getBytes(d.content().readerIndex(), got);
        d.release();
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, got, "the payload, without the ChannelData header");
        assertEquals(5, fx.counters.toPeerBytes);
        assertEquals(0, frame.readerIndex(), "the caller's buffer is not consumed");
        frame.release();
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelDataOnAnUnboundChannelIsDropped() throws Exception {
        channelData(bound(address("10.1.2.3", 5004)), CHANNEL + 1);
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("unboundChannel"));
        frame.release();
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelDataWithoutAnAllocationIsDropped() {
        channelData(null, CHANNEL);
        assertEquals(1, fx.counters.get("noAllocation"));
        frame.release();
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelDataToAPortTheRoutesNoLongerAllowIsDropped() throws Exception {
        Allocation a = bound(address("10.1.2.3", 5004));
        fx.listener.policy = CoreFixture.policy(CoreFixture.config("[\"10.0.0.0/8:<6000-6999>\"]")); // reconciled
        channelData(a, CHANNEL);
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("peerPortDenied"));
        fx.listener.policy = CoreFixture.policy(routedConfig());
        channelData(a, CHANNEL);
        fx.toPeer().release();
        frame.release();
        assertFalse(fx.finish(alice));
    }

    @Test
    void channelDataToOneOfTheGatewaysOwnPortsIsDropped() throws Exception {
        Allocation a = bound(address("127.0.0.1", 7777));
        fx.self.addPort(7777); // became one of the gateway's ports after the binding
        channelData(a, CHANNEL);
        fx.self.removePort(7777);
        assertNull(fx.peerWire.readOutbound());
        assertEquals(1, fx.counters.get("selfPeerDenied"));
        frame.release();
        assertFalse(fx.finish(alice));
    }
}
