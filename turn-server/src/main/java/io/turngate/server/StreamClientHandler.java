package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.turngate.log.Logs;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.stun.StunHeader;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.slf4j.Logger;

/**
 * One TURN-TCP or TURN-TLS connection (RFC 8656 §3.1): the handler behind {@link StreamFrameDecoder} (and, for TLS,
 * Netty's {@code SslHandler}), and the TURN core's {@link ClientTransport} for its client. The connection is the
 * client's 5-tuple, so it carries at most one allocation, deleted when the connection closes
 * ({@link io.turngate.turn.handler.TurnRequestDispatcher#clientClosed}).
 *
 * <p>Frames go to the core of this connection's event loop ({@link StreamCore}): STUN to the dispatcher, Send
 * indications and ChannelData to the data path. What the core writes (responses, ChannelData padded to 4 bytes as
 * §12.5 requires on streams, Data indications) goes into the connection's outbound buffer and is flushed once at the
 * end of a read ({@code channelReadComplete}) or of a relay socket's read batch.
 *
 * <p>Back-pressure (no unbounded queue): while the connection is not writable (its outbound buffer is over the
 * high-water mark because the client reads slowly), data from peers for it is dropped and counted
 * ({@code turngate_relay_dropped{reason="client_not_writable"}}) and the connection's own reads pause, so the
 * responses it may cause stay bounded too; while a relay socket of its allocation (either one of a dual allocation)
 * is not writable, its reads pause until that socket drains ({@link StreamCore.RelayWritability}).
 *
 * <p>Deadlines (checked by the core's sweep): no valid STUN message within the first-request timeout, or no
 * allocation and nothing received for the idle timeout, closes the connection.
 *
 * <p>Threading: on the connection's event loop.
 */
final class StreamClientHandler extends ChannelInboundHandlerAdapter implements ClientTransport {
    private static final Logger LOG = Logs.get("turn");

    private final StreamCore core;
    private final SocketStats stats;
    private final long firstRequestTimeoutNanos;
    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;
    private long openedAt;
    private long lastReceivedAt;
    private boolean gotStun;
    private boolean flushPending;
    private final boolean recordPerMessage;
    private boolean clientBlocked;
    /** The relay sockets (at most two: a dual allocation's) whose full outbound buffer paused this connection. */
    private Channel relayBlockedA;
    private Channel relayBlockedB;

    StreamClientHandler(StreamCore core, StreamLimits limits) {
        this(core, limits, false);
    }

    /**
     * @param recordPerMessage TLS: every STUN or ChannelData message goes out in a TLS record of its own. A TLS
     *                         stream may carry several messages per record (RFC 8656 §12.5 frames the stream, not
     *                         the records), and browsers read it so; but coturn's {@code turnutils_uclient} takes
     *                         each {@code SSL_read} for one message (coturn's server writes one message per
     *                         record), so two ChannelData messages coalesced into one record counted as one lost
     *                         under load (5–19 % of the messages in its tests here). A {@code
     *                         FlushConsolidationHandler} below the {@code SslHandler} keeps it at one socket write
     *                         per read or event-loop task.
     */
    StreamClientHandler(StreamCore core, StreamLimits limits, boolean recordPerMessage) {
        this.recordPerMessage = recordPerMessage;
        this.core = core;
        this.stats = core.stats;
        this.firstRequestTimeoutNanos = limits.firstRequestTimeoutMillis() * 1_000_000L;
        this.idleTimeoutNanos = limits.idleTimeoutMillis() * 1_000_000L;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.remote = (InetSocketAddress) ctx.channel().remoteAddress();
        this.openedAt = core.clock.getAsLong();
        this.lastReceivedAt = openedAt;
        core.opened(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        core.closed(this);
        core.dispatcher.clientClosed(this, "connection closed");
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------------------------------------ read path

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            int offset = frame.readerIndex();
            int length = frame.readableBytes();
            stats.received(length);
            lastReceivedAt = core.clock.getAsLong();
            if (ChannelData.isChannelData(frame, offset)) {
                // RFC 8656 §12.6; the decoder framed it (and dropped its padding)
                core.channelData.onChannelData(core.allocations.get(this), ChannelData.channelNumber(frame, offset),
                        frame, offset + ChannelData.HEADER_LENGTH, ChannelData.length(frame, offset));
                return;
            }
            if (!StunHeader.isStun(frame, offset, length)) { // the decoder checked the header: not reached
                stats.count(Counter.MALFORMED_DATAGRAMS);
                return;
            }
            gotStun = true;
            if (StunHeader.messageType(frame, offset) == Indications.SEND_INDICATION) {
                core.sendIndications.onSendIndication(core.allocations.get(this), frame, offset, length);
                return;
            }
            core.dispatcher.onStun(this, frame, offset, length);
        } catch (RuntimeException e) {
            core.turn.handlerError(e, remote);
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        core.flushRelays();
        flush();
        Allocation a = core.allocations.get(this);
        if (a != null) { // a dual allocation has two relay sockets: either one full pauses the reads
            pauseIfFull(a.relay());
            pauseIfFull(a.additionalRelay());
        }
        ctx.fireChannelReadComplete();
    }

    /** Pauses this connection's reads while {@code relay}'s outbound buffer is full (until it drains or closes). */
    private void pauseIfFull(io.turngate.turn.RelaySocket relay) {
        if (relay instanceof UdpRelaySocket) {
            pauseIfFull(((UdpRelaySocket) relay).channel());
        }
    }

    void pauseIfFull(Channel relay) {
        if (relay.isWritable() || relay == relayBlockedA || relay == relayBlockedB) {
            return;
        }
        StreamCore.RelayWritability w = relay.pipeline().get(StreamCore.RelayWritability.class);
        if (w == null) {
            return;
        }
        w.pause(this);
        if (relayBlockedA == null) {
            relayBlockedA = relay;
        } else {
            relayBlockedB = relay;
        }
        updateAutoRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        clientBlocked = !ctx.channel().isWritable();
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    /** A relay socket this connection waited for drained or closed. */
    void relayWritable(Channel relay) {
        if (relay == relayBlockedA) {
            relayBlockedA = null;
        }
        if (relay == relayBlockedB) {
            relayBlockedB = null;
        }
        updateAutoRead();
    }

    private void updateAutoRead() {
        ctx.channel().config().setAutoRead(!clientBlocked && relayBlockedA == null && relayBlockedB == null);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
            if (!done.isSuccess()) {
                boolean timeout = done.cause() instanceof SslHandshakeTimeoutException;
                stats.count(timeout ? Counter.TLS_HANDSHAKE_TIMEOUT : Counter.TLS_HANDSHAKE_FAILED);
                LOG.debug("listener {}: TLS handshake with {} {}: {}", core.listener.name(), Logs.hostPort(remote),
                        timeout ? "timed out" : "failed", done.cause().toString());
                ctx.close(); // the SslHandler closes on a timeout; on a failure, make sure
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof StreamFrameDecoder.BadStreamException) {
            StreamFrameDecoder.BadStreamException bad = (StreamFrameDecoder.BadStreamException) cause;
            stats.count(bad.failure() == StreamFrameDecoder.Failure.OVERSIZED ? Counter.STREAM_OVERSIZED_FRAME
                    : Counter.STREAM_NOT_TURN);
            LOG.debug("listener {}: closing the connection from {}: {}", core.listener.name(), Logs.hostPort(remote),
                    bad.getMessage());
        } else if (cause instanceof IOException
                || cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException) {
            LOG.debug("listener {}: connection from {}: {}", core.listener.name(), Logs.hostPort(remote),
                    cause.toString());
        } else {
            stats.count(Counter.HANDLER_ERRORS);
            LOG.debug("listener {}: connection from {} failed", core.listener.name(), Logs.hostPort(remote), cause);
        }
        ctx.close();
    }

    /** Closes the connection if it is past a deadline: no valid STUN yet, or idle without an allocation. */
    void checkDeadlines(long now) {
        if (!gotStun && now - openedAt >= firstRequestTimeoutNanos) {
            stats.count(Counter.STREAM_FIRST_REQUEST_TIMEOUT);
            LOG.debug("listener {}: no STUN request from {} within the first-request timeout: closed",
                    core.listener.name(), Logs.hostPort(remote));
            close();
        } else if (now - lastReceivedAt >= idleTimeoutNanos && core.allocations.get(this) == null) {
            stats.count(Counter.STREAM_IDLE_TIMEOUT);
            LOG.debug("listener {}: connection from {} idle without an allocation: closed", core.listener.name(),
                    Logs.hostPort(remote));
            close();
        }
    }

    void close() {
        ctx.close();
    }

    // --------------------------------------------------------------------------------- ClientTransport: write path

    @Override
    public Object fiveTuple() {
        return this;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void sendResponse(ByteBuf message) {
        stats.sent(message.readableBytes());
        ctx.write(message, ctx.voidPromise());
        written();
    }

    @Override
    public void writeChannelData(int channelNumber, ByteBuf data, int index, int length) {
        if (!ctx.channel().isWritable()) {
            stats.count(Counter.CLIENT_NOT_WRITABLE);
            return;
        }
        int size = ChannelData.HEADER_LENGTH + length;
        int padded = (size + 3) & ~3; // RFC 8656 §12.5: padded to a multiple of 4 over TCP and TLS
        ByteBuf out = ctx.alloc().ioBuffer(padded);
        ChannelData.writeHeader(out, channelNumber, length);
        out.writeBytes(data, index, length);
        out.writeZero(padded - size);
        stats.sent(padded);
        ctx.write(out, ctx.voidPromise());
        written();
    }

    @Override
    public void writeDataIndication(byte[] peerAddress, int peerPort, ByteBuf data, int index, int length) {
        if (!ctx.channel().isWritable()) {
            stats.count(Counter.CLIENT_NOT_WRITABLE);
            return;
        }
        int size = Indications.dataIndicationLength(peerAddress.length == 4 ? 4 : 6, length);
        ByteBuf out = ctx.alloc().ioBuffer(size);
        Indications.writeDataIndication(out, peerAddress, peerPort, data, index, length);
        stats.sent(size);
        ctx.write(out, ctx.voidPromise());
        written();
    }

    /** A message was written: flushed now into a record of its own (TLS), or at the end of the read (TCP). */
    private void written() {
        if (recordPerMessage) {
            ctx.flush();
        } else {
            flushPending = true;
        }
    }

    @Override
    public void flush() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void allocationClosed() {
        // Nothing is queued here: writes go straight into the connection's bounded outbound buffer.
    }

    @Override
    public String toString() {
        return "StreamClient[" + remote + "]";
    }
}
