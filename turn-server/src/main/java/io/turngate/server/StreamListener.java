package io.turngate.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.turngate.config.v1.ListenerProtocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TURN-TCP or TURN-TLS listener (RFC 8656 §3.1): one TCP server socket on the wildcard address, whose connections
 * Netty spreads over the gateway's event loops (the group the UDP listeners use), and one {@link StreamCore} per
 * loop. Each connection gets, in order, an {@code SslHandler} (TLS only; TLS 1.2 and 1.3, the listener's
 * certificate of the moment, a bounded handshake), a {@link StreamFrameDecoder} and a {@link StreamClientHandler}.
 *
 * <p>Limits ({@link StreamLimits}): open connections per listener and per source IP, checked when a connection is
 * accepted (one over a limit is closed at once and counted); the frame size; the first-request and idle deadlines;
 * back-pressure (see {@link StreamClientHandler}).
 *
 * <p>The caps are checked after {@code accept(2)}, in the child's initializer, before any handler or buffer exists
 * for it. Earlier is not possible with Netty or the socket API: the kernel completes the TCP handshake (or answers
 * with SYN cookies) before a connection can be accepted, and nothing before {@code accept} knows the source
 * address. What can be saved is saved: a refused connection is closed with {@code SO_LINGER} 0, an RST at once
 * instead of a FIN exchange, so it leaves no TIME_WAIT socket on the server and costs no more than the accept.
 * (Stopping accepts while the listener is full, {@code autoRead} off on the server channel, would leave refused
 * clients waiting in the backlog instead of failing fast, and would not help the per-IP cap.)
 *
 * <p>Certificate reload ({@link #certificate}): the TLS context is a volatile snapshot read at each accept, so new
 * connections get the new certificate and established ones keep the session they have. With OpenSSL
 * ({@link TlsEngine}) the context is reference-counted: each connection's engine holds a reference, the listener
 * one more; the listener's is handed to whoever replaces the context ({@link #certificate(SslContext)} returns it)
 * and released by {@link #stop}.
 *
 * <p>Threading: {@link #start}, {@link #certificate} and {@link #stop} under the gateway's lock; accept-time checks
 * on the connection's event loop with atomic counters; the rest in the cores.
 */
final class StreamListener {
    /** Netty's defaults, stated: a connection is unwritable over 64 KiB queued and writable again under 32 KiB. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    static final int BACKLOG = 1024;

    private final ListenerRuntime runtime;
    private final StreamLimits limits;
    private final List<StreamCore> cores = new ArrayList<>();
    private final Map<EventLoop, StreamCore> coreByLoop = new IdentityHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
    private volatile SslContext tls;
    /** The TLS engine serving, {@code null} for TURN-TCP. */
    private final TlsEngine.Choice engine;
    private Channel server;
    private boolean released;

    private StreamListener(ListenerRuntime runtime, StreamLimits limits, SslContext tls, TlsEngine.Choice engine) {
        this.runtime = runtime;
        this.limits = limits;
        this.tls = tls;
        this.engine = engine;
    }

    /**
     * Binds the listener's port and starts serving.
     *
     * @param tls    the TLS context for TURN-TLS, {@code null} for TURN-TCP; the listener owns it from here on, and
     *               releases it when the bind fails
     * @param engine the engine {@code tls} was built for, {@code null} for TURN-TCP
     * @throws Exception when the port cannot be bound (Netty reports it as an undeclared {@code IOException})
     */
    static StreamListener start(ListenerRuntime runtime, Services services, EventLoopGroup group, StreamLimits limits,
                                SslContext tls, TlsEngine.Choice engine) throws Exception {
        StreamListener l = new StreamListener(runtime, limits, tls, engine);
        for (EventExecutor e : group) {
            StreamCore core = new StreamCore(l, (EventLoop) e, services);
            l.cores.add(core);
            l.coreByLoop.put((EventLoop) e, core);
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channelFactory(services.transport::newServerSocketChannel)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        l.accept(ch);
                    }
                });
        try {
            l.server = b.bind(new InetSocketAddress(runtime.config.port())).syncUninterruptibly().channel();
        } catch (Exception e) {
            ReferenceCountUtil.release(tls);
            throw e;
        }
        for (StreamCore c : l.cores) {
            c.start();
        }
        return l;
    }

    /** A listener with no socket and no cores, for tests that run a {@link StreamCore} on a loop of their own. */
    static StreamListener unbound(ListenerRuntime runtime, StreamLimits limits) {
        return new StreamListener(runtime, limits, null, null);
    }

    String name() {
        return runtime.name;
    }

    ListenerRuntime runtime() {
        return runtime;
    }

    boolean isTls() {
        return runtime.config.protocol() == ListenerProtocol.TURN_TLS;
    }

    /** The server socket. */
    Channel serverChannel() {
        return server;
    }

    /** The cores, one per event loop. */
    List<StreamCore> cores() {
        return cores;
    }

    /** Open connections ({@code stunner_listener_connections}). Any thread. */
    int openConnections() {
        return open.get();
    }

    /** Connections accepted since the listener started ({@code stunner_listener_connections_total}). Any thread. */
    long acceptedConnections() {
        return accepted.get();
    }

    /** The TLS engine serving ({@code null} for TURN-TCP). */
    TlsEngine.Choice engine() {
        return engine;
    }

    /**
     * Serves {@code context} to the connections accepted from now on; established ones keep theirs.
     *
     * @return the context served until now, whose listener reference the caller now holds (to release once it is
     *         not coming back, or to hand back here on a rollback)
     */
    SslContext certificate(SslContext context) {
        SslContext old = this.tls;
        this.tls = context;
        return old;
    }

    SslContext certificate() {
        return tls;
    }

    /** A new connection, on its event loop: admitted (pipeline built) or closed over a limit. */
    private void accept(Channel ch) {
        StreamCore core = coreByLoop.get(ch.eventLoop());
        InetAddress source = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (!take(open, limits.maxConnections())) {
            core.stats.count(Counter.STREAM_LISTENER_LIMIT);
            refuse(ch);
            return;
        }
        if (!takeSource(source)) {
            open.decrementAndGet();
            core.stats.count(Counter.STREAM_SOURCE_LIMIT);
            refuse(ch);
            return;
        }
        accepted.incrementAndGet();
        core.openConnections.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            core.openConnections.decrementAndGet();
            releaseSource(source);
        });
        ChannelPipeline p = ch.pipeline();
        SslContext context = tls;
        if (context != null) {
            // Below the SslHandler: the TURN handler flushes every message into a TLS record of its own (see
            // StreamClientHandler), and this turns those flushes into one socket write per read or event-loop task.
            p.addLast("flushes", new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            SslHandler ssl = context.newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(limits.tlsHandshakeTimeoutMillis());
            p.addLast("tls", ssl);
        }
        p.addLast("frames", new StreamFrameDecoder(limits.maxFrameBytes()));
        p.addLast("turn", new StreamClientHandler(core, limits, context != null));
    }

    /** Closes a connection over a cap with an RST (SO_LINGER 0): no FIN exchange, no TIME_WAIT on the server. */
    private static void refuse(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            // a transport without SO_LINGER: a plain close
        }
        ch.close();
    }

    private static boolean take(AtomicInteger n, int limit) {
        while (true) {
            int cur = n.get();
            if (limit > 0 && cur >= limit) {
                return false;
            }
            if (n.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    /** Counts a connection from {@code source} unless it has its limit open (atomic per source). */
    private boolean takeSource(InetAddress source) {
        int limit = limits.maxConnectionsPerSource();
        boolean[] taken = {false};
        perSource.compute(source, (k, n) -> {
            int cur = n == null ? 0 : n;
            if (limit > 0 && cur >= limit) {
                return n;
            }
            taken[0] = true;
            return cur + 1;
        });
        return taken[0];
    }

    private void releaseSource(InetAddress source) {
        perSource.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Stops accepting, closes every connection (their allocations go) and stops the cores; returns when done. */
    void stop(String why) {
        server.close().syncUninterruptibly();
        if (!released) {
            released = true;
            ReferenceCountUtil.release(tls); // connections still open hold references of their own until they close
        }
        for (StreamCore c : cores) {
            try {
                c.eventLoop().submit(() -> c.closeAll(why)).syncUninterruptibly();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the group is shutting down: its channels close with it
            }
        }
    }
}
