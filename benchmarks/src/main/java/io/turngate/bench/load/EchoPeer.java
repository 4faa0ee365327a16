package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/**
 * UDP echo peer (the "media server" behind the relay): sends every datagram back to its sender, which is a relayed
 * transport address of the server, and counts the probes of the current epoch on the way.
 *
 * <p>Reads arrive in recvmmsg batches and the echoes of one batch leave together on {@link #channelReadComplete}
 * (sendmmsg). With GSO, consecutive echoes of a batch to the same relayed address and of the same size are copied
 * into one buffer and sent as one UDP_SEGMENT write; a lone echo is sent back as received, without a copy.
 *
 * <p><b>Threading:</b> runs on {@link Worker#loop} of the worker whose counters it updates.
 */
final class EchoPeer extends ChannelInboundHandlerAdapter {

    /** Destinations gathered at once within one read batch. */
    private static final int MAX_GROUPS = 16;

    private final Worker worker;
    private final boolean gso;
    private final InetSocketAddress[] destination = new InetSocketAddress[MAX_GROUPS];
    /** The content of a group's only datagram so far (zero-copy), or null once the group has a batch buffer. */
    private final ByteBuf[] single = new ByteBuf[MAX_GROUPS];
    private final ByteBuf[] batch = new ByteBuf[MAX_GROUPS];
    private final int[] count = new int[MAX_GROUPS];
    private final int[] segment = new int[MAX_GROUPS];
    private int groups;

    EchoPeer(Worker worker, boolean gso) {
        this.worker = worker;
        this.gso = gso;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        DatagramPacket packet = (DatagramPacket) msg;
        ByteBuf c = packet.content();
        int length = c.readableBytes();
        int epoch = Wire.probeEpoch(c, c.readerIndex(), length);
        if (epoch == worker.epoch) {
            worker.peerReceived++;
        }
        if (!ctx.channel().isWritable()) {
            worker.peerDropped++;
            packet.release();
            return;
        }
        if (!gso || length == 0) {
            ctx.write(new DatagramPacket(c, packet.sender()), ctx.voidPromise());
            return;
        }
        InetSocketAddress to = packet.sender();
        int g = find(to);
        if (g >= 0 && segment[g] == length && count[g] < RunSettings.gsoSegments(length)) {
            if (batch[g] == null) {
                ByteBuf b = ctx.alloc().directBuffer(RunSettings.gsoSegments(length) * length);
                b.writeBytes(single[g]);
                single[g].release();
                single[g] = null;
                batch[g] = b;
            }
            batch[g].writeBytes(c);
            count[g]++;
            packet.release();
            return;
        }
        if (g >= 0) {
            write(ctx, g);
        } else {
            if (groups == MAX_GROUPS) {
                writeAll(ctx);
            }
            g = groups++;
            destination[g] = to;
        }
        single[g] = c;
        segment[g] = length;
        count[g] = 1;
    }

    private int find(InetSocketAddress to) {
        for (int i = groups - 1; i >= 0; i--) {
            if (destination[i].equals(to)) {
                return i;
            }
        }
        return -1;
    }

    private void write(ChannelHandlerContext ctx, int g) {
        if (batch[g] != null) {
            ctx.write(new SegmentedDatagramPacket(batch[g], segment[g], destination[g]), ctx.voidPromise());
        } else {
            ctx.write(new DatagramPacket(single[g], destination[g]), ctx.voidPromise());
        }
        batch[g] = null;
        single[g] = null;
        count[g] = 0;
    }

    private void writeAll(ChannelHandlerContext ctx) {
        for (int g = 0; g < groups; g++) {
            write(ctx, g);
            destination[g] = null;
        }
        groups = 0;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writeAll(ctx);
        ctx.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (int g = 0; g < groups; g++) {
            ReferenceCountUtil.release(batch[g]);
            ReferenceCountUtil.release(single[g]);
        }
        groups = 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        worker.invalid++;
    }
}
