package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.epoll.TurnDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.Recycler;

import java.net.InetSocketAddress;

/**
 * A datagram to send on turngate's own epoll datagram channel ({@link TurnDatagramChannel}): content, destination
 * and, for a UDP GSO send, the segment size. Unlike Netty's {@code DatagramPacket} it is recycled (Netty's
 * {@link Recycler}, per thread) when the channel has written it, so that writing a datagram allocates nothing.
 *
 * <p>{@link #envelope} picks the message for a channel: this on {@link TurnDatagramChannel}, Netty's
 * {@code DatagramPacket} or {@code SegmentedDatagramPacket} on any other.
 *
 * <p>Threading: used by one event loop from {@link #of} to its last {@link #release()} (the channel's write, or the
 * discard of a failed or closed one).
 */
public final class OutboundDatagram implements ByteBufHolder {
    private static final Recycler<OutboundDatagram> RECYCLER = new Recycler<>() {
        @Override
        protected OutboundDatagram newObject(Handle<OutboundDatagram> handle) {
            return new OutboundDatagram(handle);
        }
    };

    private final Recycler.Handle<OutboundDatagram> handle;
    private ByteBuf content;
    private InetSocketAddress recipient;
    private int segmentSize;
    private SegmentBatch.Gso gso;
    private int refCnt;

    private OutboundDatagram(Recycler.Handle<OutboundDatagram> handle) {
        this.handle = handle;
    }

    /**
     * A datagram of {@code content} (owned from now on) to {@code recipient}; with {@code segmentSize > 0}, a UDP
     * GSO send of segments of that size, whose failure turns {@code gso} off.
     */
    public static OutboundDatagram of(ByteBuf content, InetSocketAddress recipient, int segmentSize, SegmentBatch.Gso gso) {
        OutboundDatagram d = RECYCLER.get();
        d.content = content;
        d.recipient = recipient;
        d.segmentSize = segmentSize;
        d.gso = gso;
        d.refCnt = 1;
        return d;
    }

    /** The message that sends {@code content} to {@code to} on {@code channel}, as {@link #of}. */
    public static Object envelope(Channel channel, ByteBuf content, InetSocketAddress to, int segmentSize,
                                  SegmentBatch.Gso gso) {
        if (channel instanceof TurnDatagramChannel) {
            return of(content, to, segmentSize, gso);
        }
        return segmentSize > 0 ? new SegmentedDatagramPacket(content, segmentSize, to) : new DatagramPacket(content, to);
    }

    public InetSocketAddress recipient() {
        return recipient;
    }

    /** Segment size of a UDP GSO send, 0 for one datagram. */
    public int segmentSize() {
        return segmentSize;
    }

    /** The channel could not send it: a GSO send turns GSO off for its listener socket ({@link SegmentBatch.Gso}). */
    public void failed(Throwable cause) {
        if (segmentSize > 0 && gso != null) {
            gso.failed(cause);
        }
    }

    /** Replaces the content (the channel's copy into a direct buffer); the old one is the caller's to release. */
    public void content(ByteBuf newContent) {
        content = newContent;
    }

    @Override
    public ByteBuf content() {
        if (refCnt <= 0) {
            throw new IllegalReferenceCountException(refCnt);
        }
        return content;
    }

    @Override
    public OutboundDatagram copy() {
        return replace(content().copy());
    }

    @Override
    public OutboundDatagram duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public OutboundDatagram retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public OutboundDatagram replace(ByteBuf newContent) {
        return of(newContent, recipient, segmentSize, gso);
    }

    @Override
    public int refCnt() {
        return refCnt;
    }

    @Override
    public OutboundDatagram retain() {
        return retain(1);
    }

    @Override
    public OutboundDatagram retain(int increment) {
        if (refCnt <= 0) {
            throw new IllegalReferenceCountException(refCnt, increment);
        }
        refCnt += increment;
        return this;
    }

    @Override
    public OutboundDatagram touch() {
        return this;
    }

    @Override
    public OutboundDatagram touch(Object hint) {
        if (content != null) {
            content.touch(hint);
        }
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        if (refCnt < decrement || decrement <= 0) {
            throw new IllegalReferenceCountException(refCnt, -decrement);
        }
        refCnt -= decrement;
        if (refCnt > 0) {
            return false;
        }
        ByteBuf c = content;
        content = null;
        recipient = null;
        gso = null;
        segmentSize = 0;
        handle.recycle(this);
        c.release();
        return true;
    }

    @Override
    public String toString() {
        return "OutboundDatagram[" + (content == null ? "-" : content.readableBytes() + " B") + " to " + recipient
                + (segmentSize > 0 ? ", segments of " + segmentSize : "") + "]";
    }
}
