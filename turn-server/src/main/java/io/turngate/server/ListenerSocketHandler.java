package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.turngate.log.Logs;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.relay.OutboundDatagram;
import io.turngate.relay.ReceivedDatagram;
import io.turngate.relay.SegmentBatch;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.stun.StunHeader;
import io.turngate.turn.Allocation;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.handler.ChannelDataHandler;
import io.turngate.turn.handler.SendIndicationHandler;
import io.turngate.turn.handler.TurnContext;
import io.turngate.turn.handler.TurnRequestDispatcher;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * The UDP transport of one listener socket: demultiplexes ChannelData from STUN by the first byte (RFC 7983),
 * hands STUN requests to the TURN core's {@link TurnRequestDispatcher} and the data path (ChannelData, Send
 * indications) to its handlers, with the client's allocation looked up by sender address; and sends: responses and
 * relayed data to clients as datagrams ({@link UdpClient}), data to peers on the relay sockets
 * ({@link UdpRelaySocket}), both batched into UDP GSO sends where they can be, and everything flushed once per read
 * batch (turn-notes §0.6), which lets epoll send it with one {@code sendmmsg}.
 *
 * <p>Threading: this handler, its TURN core (allocation table included) and every allocation's relay channel belong
 * to the event loop of this socket. Nothing here is shared with other loops except through {@link Services}
 * (thread-safe).
 */
final class ListenerSocketHandler extends ChannelInboundHandlerAdapter implements ListenerShard {
    /** Largest datagram accepted on a listener or relay socket (pion's inbound MTU); larger ones are dropped. */
    static final int MAX_DATAGRAM = UdpRelaySocket.MAX_DATAGRAM;
    /** Receive buffer: more than the limit, so an oversized (truncated) datagram is recognisable. */
    static final int RECEIVE_BUFFER = UdpRelaySocket.RECEIVE_BUFFER;
    /**
     * Sweep ticks: often, so that each tick's slice of the table is small ({@link TurnRequestDispatcher#sweep}: about
     * 200 allocations per 20 ms) and no tick holds this socket's datagrams for long.
     */
    private static final long SWEEP_INTERVAL_MILLIS = 20;
    private static final Logger LOG = Logs.get("turn");

    private final ListenerRuntime listener;
    private final SegmentBatch.Gso gso;
    private final TurnCore turnCore;
    private final SocketStats stats;
    private final TurnContext core;
    private final AllocationTable allocations;
    private final TurnRequestDispatcher dispatcher;
    private final SendIndicationHandler sendIndications;
    private final ChannelDataHandler channelData;
    /**
     * Relay sockets with datagrams for peers batched during the current read. A relay socket joins when its batch
     * goes from empty to pending; the batch empties again only when written at the end of the read or discarded with
     * its allocation, so nobody joins twice.
     */
    private final List<UdpRelaySocket> relaysToFlush = new ArrayList<>();
    /** The same for datagrams to clients ({@link UdpClient}) during the current relay-socket read. */
    private final List<UdpClient> clientsToFlush = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private Channel channel;
    private ScheduledFuture<?> sweeper;
    private boolean clientFlushPending;

    ListenerSocketHandler(ListenerRuntime listener, Services services) {
        this.listener = listener;
        this.gso = new SegmentBatch.Gso(services.gso,
                cause -> LOG.warn("listener {}: a UDP GSO send failed ({}); this socket sends one datagram per system"
                        + " call from now on", listener.name, cause.toString()));
        this.turnCore = TurnCore.wire(listener, services, new SocketStats(gso), () -> channel.eventLoop(), gso,
                relaysToFlush, ch -> { });
        this.stats = turnCore.stats();
        this.core = turnCore.context();
        this.allocations = turnCore.allocations();
        this.dispatcher = turnCore.dispatcher();
        this.sendIndications = turnCore.sendIndications();
        this.channelData = turnCore.channelData();
    }

    @Override
    public TurnCore turnCore() {
        return turnCore;
    }


    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** STUNner counts a UDP listener socket as one connection. */
    @Override
    public int connections() {
        return 1;
    }

    /** The listener socket. */
    Channel channel() {
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        closeAll("listener closed");
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------------------------------------ read path

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = ReceivedDatagram.contentOf(msg); // turngate's epoll channel, or Netty's DatagramPacket
        if (buf == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress sender = ReceivedDatagram.senderOf(msg);
        try {
            onDatagram(buf, sender);
        } catch (RuntimeException e) {
            core.handlerError(e, sender);
        } finally {
            buf.release();
        }
    }

    private void onDatagram(ByteBuf buf, InetSocketAddress sender) {
        int length = buf.readableBytes();
        int offset = buf.readerIndex();
        stats.received(length);
        if (length > MAX_DATAGRAM) {
            stats.count(Counter.OVERSIZED_DATAGRAMS);
            return;
        }
        if (length < 4) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        int first = buf.getUnsignedByte(offset);
        if ((first & 0xC0) == 0x40) {
            onChannelData(buf, offset, length, sender);
        } else if ((first & 0xC0) == 0) {
            onStun(buf, offset, length, sender);
        } else {
            stats.count(Counter.MALFORMED_DATAGRAMS);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushAll();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket error (e.g. ICMP port unreachable on some platforms) never closes the listener.
        stats.count(Counter.HANDLER_ERRORS);
        LOG.debug("listener {}: socket error (kept serving)", listener.name, cause);
    }

    /** RFC 8656 §12.6: one datagram is one ChannelData message (padding optional on UDP, §12.5). Hot path. */
    private void onChannelData(ByteBuf buf, int offset, int length, InetSocketAddress sender) {
        if (!ChannelData.isComplete(buf, offset, length)) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        channelData.onChannelData(allocations.get(sender), ChannelData.channelNumber(buf, offset), buf,
                offset + ChannelData.HEADER_LENGTH, ChannelData.length(buf, offset));
    }

    /**
     * A STUN datagram: a Send indication goes to the data path (hot path, RFC 8656 §11.2), anything else to the
     * dispatcher with the client's {@link UdpClient}: its allocation's, or a new one for a sender without one.
     */
    private void onStun(ByteBuf buf, int offset, int length, InetSocketAddress sender) {
        if (!StunHeader.isStun(buf, offset, length)) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        Allocation a = allocations.get(sender);
        if (StunHeader.messageType(buf, offset) == Indications.SEND_INDICATION) {
            sendIndications.onSendIndication(a, buf, offset, length);
            return;
        }
        dispatcher.onStun(a != null ? a.client() : new UdpClient(this, sender, gso), buf, offset, length);
    }

    // -------------------------------------------------------------------------------------------- write path

    /** A datagram to a client on this socket (a STUN response): counted, written, flushed at the end of the read. */
    void sendDatagram(ByteBuf buf, InetSocketAddress to) {
        stats.sent(buf.readableBytes());
        ctx.write(OutboundDatagram.envelope(channel, buf, to, 0, null), ctx.voidPromise());
        clientFlushPending = true;
    }

    /** A {@link UdpClient}'s batch got its first datagram of this relay-socket read. */
    void queuedForClient(UdpClient client) {
        clientsToFlush.add(client);
    }

    /** A datagram of {@code size} bytes queued for a client (counted; flushed at the end of the read batch). */
    void sentToClient(int size) {
        stats.sent(size);
        clientFlushPending = true;
    }

    /** End of a relay socket's read batch: the batches to clients go out, in one flush of the listener socket. */
    void flushClients() {
        if (clientFlushPending) {
            flushListener();
        }
    }

    /** End of this listener socket's read batch: batches to peers, then to clients, each socket flushed once. */
    private void flushAll() {
        for (int i = 0, n = relaysToFlush.size(); i < n; i++) {
            relaysToFlush.get(i).flush();
        }
        relaysToFlush.clear();
        flushListener();
    }

    private void flushListener() {
        for (int i = 0, n = clientsToFlush.size(); i < n; i++) {
            clientsToFlush.get(i).writeQueued(channel);
        }
        clientsToFlush.clear();
        clientFlushPending = false;
        ctx.flush();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Periodic sweep, one bounded slice of the table per tick: expired allocations, permissions, channels,
     * reservations (deadlines, not timers).
     */
    void sweep() {
        dispatcher.sweep();
    }

    /** Drops every allocation of this socket (listener stopped or restarted). Runs on this event loop. */
    void closeAll(String why) {
        dispatcher.closeAll(why);
    }
}
