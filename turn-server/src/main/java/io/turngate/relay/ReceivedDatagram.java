package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCounted;

import java.net.InetSocketAddress;

/**
 * A datagram read by turngate's own epoll datagram channel ({@code io.netty.channel.epoll.TurnDatagramChannel}):
 * its content and its sender. Unlike Netty's {@code DatagramPacket}, one instance per socket carries every datagram
 * the socket reads, and the sender is a cached instance ({@link SenderCache}), so reading a datagram allocates
 * nothing.
 *
 * <p>The handler owns the content (it releases it, directly or through {@link #release()}) but not this object: it is
 * valid only during the {@code channelRead} that delivered it and must not be kept. The reference count is the
 * content's, so that a pipeline's tail releases an unhandled one as it would a {@code DatagramPacket}.
 */
public final class ReceivedDatagram implements ReferenceCounted {
    private ByteBuf content;
    private InetSocketAddress sender;

    /**
     * The content of a datagram as a UDP socket's handler receives it: this class's, or Netty's {@code DatagramPacket}'s
     * (NIO, Netty's epoll channel); {@code null} for any other message.
     */
    public static ByteBuf contentOf(Object msg) {
        if (msg instanceof ReceivedDatagram) {
            return ((ReceivedDatagram) msg).content;
        }
        return msg instanceof DatagramPacket ? ((DatagramPacket) msg).content() : null;
    }

    /** The sender of a message for which {@link #contentOf} is not {@code null}. */
    public static InetSocketAddress senderOf(Object msg) {
        return msg instanceof ReceivedDatagram ? ((ReceivedDatagram) msg).sender : ((DatagramPacket) msg).sender();
    }

    /** Carries the next datagram. */
    public ReceivedDatagram set(ByteBuf content, InetSocketAddress sender) {
        this.content = content;
        this.sender = sender;
        return this;
    }

    public ByteBuf content() {
        return content;
    }

    public InetSocketAddress sender() {
        return sender;
    }

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public ReceivedDatagram retain() {
        content.retain();
        return this;
    }

    @Override
    public ReceivedDatagram retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public ReceivedDatagram touch() {
        content.touch();
        return this;
    }

    @Override
    public ReceivedDatagram touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }

    @Override
    public String toString() {
        return "ReceivedDatagram[" + (content == null ? "-" : content.readableBytes() + " B") + " from " + sender + "]";
    }
}
