package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.turngate.turn.Allocation;
import io.turngate.turn.TurnCounters;
import io.turngate.turn.handler.PeerDataHandler;

import java.net.InetSocketAddress;

/**
 * The handler of one allocation's UDP relay socket: datagrams from peers go to the core's {@link PeerDataHandler},
 * which relays them to the client as ChannelData or Data indications (RFC 8656 §11.3, §12.7); the end of the
 * socket's read batch flushes the client. Datagrams over {@link UdpRelaySocket#MAX_DATAGRAM} are dropped. Runs on
 * the event loop that owns the allocation.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final PeerDataHandler peerData;
    private final Allocation allocation;
    private final TurnCounters counters;

    public RelayHandler(PeerDataHandler peerData, Allocation allocation, TurnCounters counters) {
        this.peerData = peerData;
        this.allocation = allocation;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf content = ReceivedDatagram.contentOf(msg); // turngate's epoll channel, or Netty's DatagramPacket
        if (content == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress sender = ReceivedDatagram.senderOf(msg);
        try {
            if (content.readableBytes() > UdpRelaySocket.MAX_DATAGRAM) {
                counters.oversized();
                return;
            }
            peerData.onPeerDatagram(allocation, content, sender);
        } catch (RuntimeException e) {
            peerData.handlerError(e, sender);
        } finally {
            content.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peerData.onPeerReadComplete(allocation);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.handlerError(); // e.g. ICMP port unreachable from a peer: keep the relay open
    }
}
