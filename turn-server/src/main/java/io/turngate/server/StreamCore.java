package io.turngate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.turngate.log.Logs;
import io.turngate.relay.SegmentBatch;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.handler.ChannelDataHandler;
import io.turngate.turn.handler.SendIndicationHandler;
import io.turngate.turn.handler.TurnContext;
import io.turngate.turn.handler.TurnRequestDispatcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * The TURN core of one TURN-TCP or TURN-TLS listener on one event loop: its {@link TurnContext} (allocation table and
 * counters), dispatcher and data-path handlers, shared by every connection of the listener that Netty registered on
 * this loop, and the relay sockets of their allocations (UDP, registered on this loop too, RFC 8656 §3.1: the relay
 * side is UDP whatever the client's transport). Data to peers is batched per relay socket and written when the
 * connection's read ends ({@link #flushRelays}); the periodic sweep expires allocations and closes connections past
 * their first-request or idle deadline (deadlines, not timers).
 *
 * <p>Threading: everything here on {@link #eventLoop()}, except {@link #stats()} (read on any thread).
 */
final class StreamCore implements ListenerShard {
    private static final Logger LOG = Logs.get("turn");
    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    final StreamListener listener;
    private final EventLoop loop;
    private final TurnCore turnCore;
    final SocketStats stats;
    final TurnContext turn;
    final AllocationTable allocations;
    final TurnRequestDispatcher dispatcher;
    final SendIndicationHandler sendIndications;
    final ChannelDataHandler channelData;
    /** Relay sockets with datagrams for peers batched during the current read of a connection. */
    private final List<UdpRelaySocket> relaysToFlush = new ArrayList<>();
    /** The open connections of this listener on this loop. */
    private final Set<StreamClientHandler> connections = new LinkedHashSet<>();
    /**
     * Connections the listener admitted onto this loop and not closed yet, from accept (so a TLS handshake in
     * progress counts) to the close: {@link #connections()}, read by the metrics on any thread.
     */
    final AtomicInteger openConnections = new AtomicInteger();
    private ScheduledFuture<?> sweeper;
    final LongSupplier clock;

    StreamCore(StreamListener listener, EventLoop loop, Services services) {
        this.listener = listener;
        this.loop = loop;
        this.clock = services.nanoClock;
        SegmentBatch.Gso gso = new SegmentBatch.Gso(services.gso,
                cause -> LOG.warn("listener {}: a UDP GSO send to a peer failed ({}); relay sockets of this event loop"
                        + " send one datagram per system call from now on", listener.name(), cause.toString()));
        this.turnCore = TurnCore.wire(listener.runtime(), services, new SocketStats(gso), () -> loop, gso,
                relaysToFlush, ch -> ch.pipeline().addLast(RelayWritability.NAME, new RelayWritability()));
        this.stats = turnCore.stats();
        this.turn = turnCore.context();
        this.allocations = turnCore.allocations();
        this.dispatcher = turnCore.dispatcher();
        this.sendIndications = turnCore.sendIndications();
        this.channelData = turnCore.channelData();
    }

    /** Starts the periodic sweep. On any thread. */
    void start() {
        sweeper = loop.scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public TurnCore turnCore() {
        return turnCore;
    }

    void opened(StreamClientHandler c) {
        connections.add(c);
    }

    void closed(StreamClientHandler c) {
        connections.remove(c);
    }

    /** The end of a connection's read: the datagrams it queued for peers go out, each relay socket flushed once. */
    void flushRelays() {
        for (int i = 0, n = relaysToFlush.size(); i < n; i++) {
            relaysToFlush.get(i).flush();
        }
        relaysToFlush.clear();
    }

    /** Expired allocations, permissions, channels, reservations; connections past their deadlines. */
    void sweep() {
        dispatcher.sweep();
        long now = clock.getAsLong();
        for (StreamClientHandler c : new ArrayList<>(connections)) {
            c.checkDeadlines(now);
        }
    }

    /** The listener stopped: every connection closes, every allocation and Allocate in progress goes. On the loop. */
    void closeAll(String why) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (StreamClientHandler c : new ArrayList<>(connections)) {
            c.close();
        }
        connections.clear();
        dispatcher.closeAll(why);
    }

    int connectionCount() {
        return connections.size();
    }

    /** Connections accepted onto this loop and not closed yet (TLS handshakes included). Any thread. */
    @Override
    public int connections() {
        return openConnections.get();
    }

    /**
     * Watches one relay socket's writability for the connection that paused its reads because the socket's outbound
     * buffer was full (back-pressure towards the client: its data is not read while it cannot be sent on). Resumes
     * that connection when the socket drains or closes.
     */
    static final class RelayWritability extends ChannelInboundHandlerAdapter {
        static final String NAME = "stream-backpressure";
        private StreamClientHandler waiting;

        void pause(StreamClientHandler c) {
            waiting = c;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                resume(ctx.channel());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            resume(ctx.channel());
            ctx.fireChannelInactive();
        }

        private void resume(io.netty.channel.Channel relay) {
            StreamClientHandler c = waiting;
            waiting = null;
            if (c != null) {
                c.relayWritable(relay);
            }
        }
    }
}
