package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * UDP echo peer (the "media server" behind the relay): sends every datagram back to its sender, which is a relayed
 * transport address of the server, and counts the probes of the current epoch on the way.
 *
 * <p>The received buffer is sent back as is (no copy); reads arrive in recvmmsg batches and the echoes of one batch
 * leave in one sendmmsg on {@link #channelReadComplete}.
 *
 * <p><b>Threading:</b> runs on {@link Worker#loop} of the worker whose counters it updates.
 */
final class EchoPeer extends ChannelInboundHandlerAdapter {

    private final Worker worker;

    EchoPeer(Worker worker) {
        this.worker = worker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        DatagramPacket packet = (DatagramPacket) msg;
        ByteBuf c = packet.content();
        int epoch = Wire.probeEpoch(c, c.readerIndex(), c.readableBytes());
        if (epoch == worker.epoch) {
            worker.peerReceived++;
        }
        if (!ctx.channel().isWritable()) {
            worker.peerDropped++;
            packet.release();
            return;
        }
        ctx.write(new DatagramPacket(c, packet.sender()), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        worker.invalid++;
    }
}
