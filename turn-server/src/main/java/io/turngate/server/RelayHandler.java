package io.turngate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.turngate.turn.Allocation;

/**
 * The relay socket of one allocation: datagrams from peers go back to the client as ChannelData or Data
 * indications (RFC 8656 §11.3, §12.5). Runs on the event loop that owns the allocation.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final ListenerSocketHandler owner;
    private final Allocation allocation;

    RelayHandler(ListenerSocketHandler owner, Allocation allocation) {
        this.owner = owner;
        this.allocation = allocation;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            owner.relayToClient(allocation, packet.content(), packet.sender());
        } catch (RuntimeException e) {
            owner.handlerError(e, packet.sender());
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        owner.flushClients();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        owner.stats().count(Counter.HANDLER_ERRORS); // e.g. ICMP port unreachable from a peer: keep the relay open
    }
}
