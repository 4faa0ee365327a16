package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.relay.SegmentBatch;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.stun.StunHeader;
import io.turngate.turn.Allocation;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.handler.ChannelDataHandler;
import io.turngate.turn.handler.SendIndicationHandler;
import io.turngate.turn.handler.TurnContext;
import io.turngate.turn.handler.TurnRequestDispatcher;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * The TURN-DTLS transport of one listener (RFC 7350): one UDP socket, one DTLS 1.2 session per client sender address,
 * and behind the sessions the same TURN core as a UDP listener socket (one {@link TurnContext}, dispatcher and
 * data-path handlers). Where a datagram goes:
 *
 * <pre>
 *   datagram from a sender with an established session → its records are decrypted on the event loop → the
 *       plaintext goes through the same demux as UDP (RFC 7983: STUN or ChannelData by the first byte)
 *   from a sender with a handshake in flight → that handshake's queue
 *   from an unknown sender → a ClientHello?  no cookie or a stale one: a HelloVerifyRequest, nothing kept
 *                                          (RFC 6347 §4.2.1, {@link DtlsCookies});
 *                                          a valid cookie: a handshake starts, if fewer than the cap are in flight
 *                            anything else → dropped and counted ({@link Counter#DTLS_NO_SESSION})
 * </pre>
 *
 * <p><b>Why handshakes run off the event loop.</b> Bouncy Castle 1.83 has no non-blocking DTLS handshake: its
 * non-blocking mode ({@code TlsServerProtocol} with {@code offerInput}) is TLS over streams only, and
 * {@link DTLSServerProtocol#accept} drives the whole handshake, retransmission timers included, by blocking reads
 * of a {@code DatagramTransport}. So each handshake runs on a thread of a small pool of this listener, bounded by
 * {@link DtlsLimits#maxHandshakes()} (the cap on handshakes in flight, counted on the event loop, is the pool's
 * size, so the pool never queues), fed by the event loop through the session's bounded queue, and cut off at
 * {@link DtlsLimits#handshakeTimeoutMillis()}. Only a client that answered a cookie gets one: a spoofed source never
 * holds a thread. After the handshake Bouncy Castle's record layer <em>can</em> be driven per datagram: the
 * established {@link DTLSTransport} moves to the event loop, and {@link DtlsSession} feeds it the one datagram in
 * hand and answers "would block" after it, so decryption and encryption run on the loop, in order, with the
 * allocation, and never wait.
 *
 * <p>Sessions end with their allocation (expired or deleted), when idle without an allocation for
 * {@link DtlsLimits#idleMillis()}, on a close_notify or fatal alert, and when the listener stops. Unlike the UDP
 * path the DTLS path allocates per record (inside Bouncy Castle's record layer); what is turngate's own reuses one
 * buffer per direction.
 *
 * <p>Threading: everything here but the handshake pool belongs to the socket's event loop.
 */
final class DtlsListenerHandler extends ChannelInboundHandlerAdapter implements ListenerShard {
    static final int MAX_DATAGRAM = UdpRelaySocket.MAX_DATAGRAM;
    static final int RECEIVE_BUFFER = UdpRelaySocket.RECEIVE_BUFFER;
    private static final long SWEEP_INTERVAL_MILLIS = 250;
    /** DTLS record header (RFC 6347 §4.1): the least a DTLS datagram has. */
    private static final int RECORD_HEADER = 13;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final Logger LOG = Logs.get("turn");

    /** Where a session's decrypted plaintext goes. */
    interface PlaintextSink {
        void onPlaintext(DtlsSession session, byte[] plain, int length);
    }

    private final ListenerRuntime listener;
    private final Services services;
    /** The certificate new handshakes get; replaced in place by a reload ({@link #identity(DtlsIdentity)}). */
    private volatile DtlsIdentity identity;
    private final DtlsLimits limits;
    private final BcTlsCrypto crypto;
    private final TurnCore turnCore;
    private final SocketStats stats;
    private final TurnContext core;
    private final AllocationTable allocations;
    private final TurnRequestDispatcher dispatcher;
    private final SendIndicationHandler sendIndications;
    private final ChannelDataHandler channelData;
    private final ThreadPoolExecutor handshakes;
    private final Map<InetSocketAddress, DtlsSession> sessions = new HashMap<>();
    /** Sessions (established or handshaking) per client IP address, for {@link DtlsLimits#maxSessionsPerSource()}. */
    private final Map<java.net.InetAddress, Integer> sessionsPerSource = new HashMap<>();
    private final List<UdpRelaySocket> relaysToFlush = new ArrayList<>();
    private final LogLimiter sessionLog = new LogLimiter(ListenerRuntime.LOG_LINES_PER_SECOND);
    /** One datagram in, its plaintext, and one record's plaintext out: reused, the loop is single-threaded. */
    private final byte[] in = new byte[RECEIVE_BUFFER];
    private final byte[] plain = new byte[DtlsSession.SEND_LIMIT];
    private final byte[] out = new byte[DtlsSession.SEND_LIMIT];
    private final ByteBuf plainBuf = Unpooled.wrappedBuffer(plain);
    private final ByteBuf outBuf = Unpooled.wrappedBuffer(out);
    private final PlaintextSink demux = this::onPlaintext;
    private DtlsCookies cookies;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private EventLoop loop;
    private ScheduledFuture<?> sweeper;
    private boolean flushPending;
    private int handshakesInFlight;
    /** Established sessions (written on the loop, read by the metrics). */
    private volatile int established;

    DtlsListenerHandler(ListenerRuntime listener, Services services, DtlsIdentity identity, DtlsLimits limits,
                        BcTlsCrypto crypto) {
        this.listener = listener;
        this.services = services;
        this.identity = identity;
        this.limits = limits;
        this.crypto = crypto;
        SegmentBatch.Gso noGso = new SegmentBatch.Gso(false, cause -> { });
        this.turnCore = TurnCore.wire(listener, services, new SocketStats(noGso), () -> loop, noGso, relaysToFlush,
                ch -> { });
        this.stats = turnCore.stats();
        this.core = turnCore.context();
        this.allocations = turnCore.allocations();
        this.dispatcher = turnCore.dispatcher();
        this.sendIndications = turnCore.sendIndications();
        this.channelData = turnCore.channelData();
        this.handshakes = new ThreadPoolExecutor(0, limits.maxHandshakes(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DefaultThreadFactory("turngate-dtls-handshake", true));
    }

    // ------------------------------------------------------------------------------- ListenerShard

    /** The socket's event loop (set when the handler is added, before the socket is bound). */
    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public TurnCore turnCore() {
        return turnCore;
    }

    /** Established DTLS sessions ({@code stunner_listener_connections} of a TURN-DTLS listener). */
    @Override
    public int connections() {
        return established;
    }

    /**
     * Serves {@code next} to the handshakes that start from now on (a certificate reload, applied in place: Bouncy
     * Castle reads the credentials once per handshake, in {@link DtlsServer}); established sessions keep the keys
     * they negotiated and handshakes in flight the certificate they started with. Any thread.
     */
    void identity(DtlsIdentity next) {
        this.identity = next;
    }

    DtlsIdentity identity() {
        return identity;
    }

    /** The crypto the listener's identity was made with (a reload's new identity is made with it too). */
    BcTlsCrypto crypto() {
        return crypto;
    }

    /** DTLS handshakes in flight (tests). On the event loop only. */
    int handshakesInFlight() {
        return handshakesInFlight;
    }

    // ------------------------------------------------------------------------------- lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.loop = ctx.channel().eventLoop();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.cookies = new DtlsCookies(crypto, services.nanoClock.getAsLong());
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (DtlsSession s : new ArrayList<>(sessions.values())) {
            close(s, "listener closed", false);
        }
        dispatcher.closeAll("listener closed");
        handshakes.shutdownNow();
        plainBuf.release();
        outBuf.release();
        ctx.fireChannelInactive();
    }

    boolean inEventLoop() {
        return loop.inEventLoop();
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    // ------------------------------------------------------------------------------- read path

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        DatagramPacket packet = (DatagramPacket) msg;
        InetSocketAddress sender = packet.sender();
        try {
            ByteBuf buf = packet.content();
            int length = buf.readableBytes();
            stats.received(length);
            if (length > MAX_DATAGRAM) {
                stats.count(Counter.OVERSIZED_DATAGRAMS);
                return;
            }
            // RFC 7983 §7: 20..63 is DTLS; a TURN-DTLS listener serves nothing else.
            int first = length == 0 ? -1 : buf.getUnsignedByte(buf.readerIndex());
            if (length < RECORD_HEADER || first < 20 || first > 63) {
                stats.count(Counter.MALFORMED_DATAGRAMS);
                return;
            }
            DtlsSession s = sessions.get(sender);
            if (s == null) {
                buf.getBytes(buf.readerIndex(), in, 0, length);
                onUnknownSender(sender, length, first);
            } else if (s.state == DtlsSession.State.HANDSHAKING) {
                byte[] copy = new byte[length];
                buf.getBytes(buf.readerIndex(), copy);
                if (!s.inbox.offer(copy)) {
                    stats.count(Counter.DTLS_HANDSHAKE_BACKLOG);
                }
            } else if (first == CONTENT_TYPE_HANDSHAKE && buf.getUnsignedShort(buf.readerIndex() + 3) == 0
                    && length > RECORD_HEADER && buf.getUnsignedByte(buf.readerIndex() + RECORD_HEADER) == CLIENT_HELLO) {
                // RFC 6347 §4.2.8: a ClientHello of epoch 0 on an established session is a client that lost its
                // state (restarted on the same port); with a valid cookie it replaces the old session.
                buf.getBytes(buf.readerIndex(), in, 0, length);
                onUnknownSender(sender, length, first);
            } else {
                buf.getBytes(buf.readerIndex(), in, 0, length);
                onRecords(s, length);
            }
        } catch (RuntimeException e) {
            core.handlerError(e, sender);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (int i = 0, n = relaysToFlush.size(); i < n; i++) {
            relaysToFlush.get(i).flush();
        }
        relaysToFlush.clear();
        flushClients();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.count(Counter.HANDLER_ERRORS);
        LOG.debug("listener {}: socket error (kept serving)", listener.name, cause);
    }

    /**
     * A datagram from a sender without a session (or a ClientHello from one with an established session): only a
     * ClientHello may start one, and only with a valid cookie (RFC 6347 §4.2.1); a ClientHello without one gets a
     * HelloVerifyRequest.
     */
    private void onUnknownSender(InetSocketAddress sender, int length, int contentType) {
        if (contentType != CONTENT_TYPE_HANDSHAKE) {
            stats.count(Counter.DTLS_NO_SESSION);
            return;
        }
        DtlsCookies.Verdict v = cookies.verify(clientId(sender), in, length);
        if (v == DtlsCookies.Verdict.NOT_A_CLIENT_HELLO) {
            stats.count(Counter.DTLS_NO_SESSION);
            return;
        }
        if (v == DtlsCookies.Verdict.HELLO_VERIFY_SENT) {
            writeRecord(sender, cookies.helloVerifyRequest(), 0, cookies.helloVerifyRequestLength());
            stats.count(Counter.DTLS_HELLO_VERIFY_REQUESTS);
            return;
        }
        if (handshakesInFlight >= limits.maxHandshakes()) {
            stats.count(Counter.DTLS_HANDSHAKES_REFUSED); // the client retransmits; there may be room then
            return;
        }
        DtlsSession old = sessions.get(sender);
        int replaced = old == null ? 0 : 1; // a client that lost its state replaces its own session
        if (limits.maxSessions() > 0 && sessions.size() - replaced >= limits.maxSessions()) {
            stats.count(Counter.DTLS_SESSION_LISTENER_LIMIT);
            return;
        }
        if (limits.maxSessionsPerSource() > 0
                && sessionsPerSource.getOrDefault(sender.getAddress(), 0) - replaced >= limits.maxSessionsPerSource()) {
            stats.count(Counter.DTLS_SESSION_SOURCE_LIMIT);
            return;
        }
        if (old != null) {
            close(old, "a new handshake from the same address", false);
        }
        DtlsSession s = new DtlsSession(this, sender);
        s.deadlineNanos = services.nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(limits.handshakeTimeoutMillis());
        DTLSRequest request = cookies.request;
        DtlsIdentity id = identity; // the certificate of the moment: a reload reaches the handshakes after it
        try {
            handshakes.execute(() -> handshake(s, request, id));
        } catch (RejectedExecutionException e) {
            stats.count(Counter.DTLS_HANDSHAKES_REFUSED);
            return;
        }
        putSession(s);
        handshakesInFlight++;
        stats.count(Counter.DTLS_HANDSHAKES_STARTED);
    }

    /** The cookie's input besides the ClientHello: the client's IP address and port. */
    private static byte[] clientId(InetSocketAddress sender) {
        byte[] ip = sender.getAddress().getAddress();
        byte[] id = new byte[ip.length + 2];
        System.arraycopy(ip, 0, id, 0, ip.length);
        id[ip.length] = (byte) (sender.getPort() >>> 8);
        id[ip.length + 1] = (byte) sender.getPort();
        return id;
    }

    /** On a handshake thread: the blocking handshake, handed back to the event loop when it ends. */
    private void handshake(DtlsSession s, DTLSRequest request, DtlsIdentity id) {
        DTLSTransport t = null;
        Exception failure = null;
        try {
            t = new DTLSServerProtocol().accept(
                    new DtlsServer(crypto, id, (int) limits.handshakeTimeoutMillis()), s, request);
        } catch (Exception e) {
            failure = e;
        }
        DTLSTransport done = t;
        Exception why = failure;
        try {
            loop.execute(() -> handshakeEnded(s, done, why));
        } catch (RejectedExecutionException loopGone) {
            // the gateway is shutting down: nothing to hand the session to
        }
    }

    private void handshakeEnded(DtlsSession s, DTLSTransport t, Exception failure) {
        handshakesInFlight--;
        if (s.state != DtlsSession.State.HANDSHAKING || sessions.get(s.remoteAddress()) != s) {
            return; // timed out or the listener closed meanwhile; the thread saw the abort
        }
        if (t == null) {
            removeSession(s);
            s.state = DtlsSession.State.CLOSED;
            stats.count(s.aborted || failure instanceof TlsTimeoutException ? Counter.DTLS_HANDSHAKE_TIMEOUTS
                    : Counter.DTLS_HANDSHAKES_FAILED);
            if (LOG.isDebugEnabled()) {
                LOG.debug("listener {}: DTLS handshake with {} failed: {}", listener.name,
                        Logs.hostPort(s.remoteAddress()), failure == null ? "?" : failure.toString());
            }
            flushClients();
            return;
        }
        s.established(t, services.nanoClock.getAsLong());
        established++;
        stats.count(Counter.DTLS_SESSIONS_OPENED);
        long suppressed = sessionLog.acquire();
        if (suppressed >= 0) {
            LOG.debug("listener {}: DTLS session with {} established{}", listener.name,
                    Logs.hostPort(s.remoteAddress()), LogLimiter.suffix(suppressed));
        }
        // Records that came in between the end of the handshake and now are the session's first.
        for (byte[] d; (d = s.inbox.poll()) != null && s.state == DtlsSession.State.ESTABLISHED; ) {
            System.arraycopy(d, 0, in, 0, d.length);
            onRecords(s, d.length);
        }
        flushAll();
    }

    /** The records of one datagram of an established session, decrypted and demultiplexed in order. */
    private void onRecords(DtlsSession s, int length) {
        s.lastReceivedNanos = services.nanoClock.getAsLong();
        try {
            int bad = s.receive(in, length, plain, demux);
            for (int i = 0; i < bad; i++) {
                stats.count(Counter.DTLS_BAD_RECORDS);
            }
        } catch (IOException e) {
            // close_notify or a fatal alert, received or raised: the record layer is closed
            close(s, "DTLS session ended (" + e.getClass().getSimpleName() + ")", false);
            return;
        }
        if (s.recordLayerClosed()) {
            close(s, "close_notify", false); // Bouncy Castle answered it with its own close_notify
        }
    }

    /** One record's plaintext: the same demux as a UDP datagram (RFC 7983, RFC 8656 §12.6). */
    private void onPlaintext(DtlsSession s, byte[] data, int length) {
        if (length < 4) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        int first = data[0] & 0xFF;
        ByteBuf buf = plainBuf;
        if ((first & 0xC0) == 0x40) {
            if (!ChannelData.isComplete(buf, 0, length)) {
                stats.count(Counter.MALFORMED_DATAGRAMS);
                return;
            }
            channelData.onChannelData(allocations.get(s.remoteAddress()), ChannelData.channelNumber(buf, 0), buf,
                    ChannelData.HEADER_LENGTH, ChannelData.length(buf, 0));
        } else if ((first & 0xC0) == 0) {
            if (!StunHeader.isStun(buf, 0, length)) {
                stats.count(Counter.MALFORMED_DATAGRAMS);
                return;
            }
            if (StunHeader.messageType(buf, 0) == Indications.SEND_INDICATION) {
                sendIndications.onSendIndication(allocations.get(s.remoteAddress()), buf, 0, length);
                return;
            }
            dispatcher.onStun(s, buf, 0, length);
        } else {
            stats.count(Counter.MALFORMED_DATAGRAMS);
        }
    }

    // ------------------------------------------------------------------------------- write path

    /** The scratch array of one outgoing record's plaintext. On the event loop. */
    byte[] scratch() {
        return out;
    }

    /** {@link #scratch()} as an empty buffer to write a message into. On the event loop. */
    ByteBuf scratchBuf() {
        return outBuf.clear();
    }

    /** Encrypts {@code length} bytes of {@code data} into one record to {@code s} (written, not flushed). */
    void encrypt(DtlsSession s, byte[] data, int length) {
        if (s.state != DtlsSession.State.ESTABLISHED) {
            return; // a late answer to a session that just closed
        }
        if (length > DtlsSession.SEND_LIMIT) {
            stats.count(Counter.OVERSIZED_DATAGRAMS);
            return;
        }
        try {
            s.transport().send(data, 0, length);
        } catch (IOException e) {
            closeLater(s, "DTLS send failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * A datagram of the record layer to {@code s}'s client: on the event loop written (flushed at the end of the
     * read batch); from a handshake thread handed to the event loop and flushed at once.
     */
    void sendRecord(DtlsSession s, byte[] buf, int off, int len) {
        if (loop.inEventLoop()) {
            writeRecord(s.remoteAddress(), buf, off, len);
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        try {
            loop.execute(() -> {
                if (channel.isActive() && !s.aborted) {
                    writeRecord(s.remoteAddress(), copy, 0, copy.length);
                    ctx.flush();
                    flushPending = false;
                }
            });
        } catch (RejectedExecutionException loopGone) {
            // shutting down
        }
    }

    private void writeRecord(InetSocketAddress to, byte[] buf, int off, int len) {
        stats.sent(len);
        ctx.write(new DatagramPacket(channel.alloc().buffer(len).writeBytes(buf, off, len), to), ctx.voidPromise());
        flushPending = true;
    }

    /** Sends what was written (the end of a read batch of the listener or of a relay socket). */
    void flushClients() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    private void flushAll() {
        for (int i = 0, n = relaysToFlush.size(); i < n; i++) {
            relaysToFlush.get(i).flush();
        }
        relaysToFlush.clear();
        flushClients();
    }

    // ------------------------------------------------------------------------------- ending sessions

    private void putSession(DtlsSession s) {
        sessions.put(s.remoteAddress(), s);
        sessionsPerSource.merge(s.remoteAddress().getAddress(), 1, Integer::sum);
    }

    /** Removes {@code s}, which is the session of its address. */
    private void removeSession(DtlsSession s) {
        sessions.remove(s.remoteAddress());
        sessionsPerSource.computeIfPresent(s.remoteAddress().getAddress(), (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Closes {@code s} after the event being handled (e.g. after the Refresh response that deleted its allocation). */
    void closeLater(DtlsSession s, String why) {
        s.markClosing();
        loop.execute(() -> {
            close(s, why, true);
            flushClients();
        });
    }

    /**
     * Ends {@code s}: its allocation goes (and an Allocate in progress), an established session says close_notify
     * when {@code notify}, a handshake in flight is aborted.
     */
    private void close(DtlsSession s, String why, boolean notify) {
        if (s.state == DtlsSession.State.CLOSED || sessions.get(s.remoteAddress()) != s) {
            return;
        }
        removeSession(s);
        s.markClosing();
        if (s.state == DtlsSession.State.HANDSHAKING) {
            s.abortHandshake(); // the thread ends; handshakeEnded sees the session gone
            s.state = DtlsSession.State.CLOSED;
            return;
        }
        dispatcher.clientClosed(s.fiveTuple(), why);
        if (notify) {
            try {
                s.transport().close(); // close_notify (RFC 5246 §7.2.1)
            } catch (IOException | RuntimeException e) {
                // nothing to send it to
            }
        }
        s.state = DtlsSession.State.CLOSED;
        established--;
        stats.count(Counter.DTLS_SESSIONS_CLOSED);
        long suppressed = sessionLog.acquire();
        if (suppressed >= 0) {
            LOG.debug("listener {}: DTLS session with {} closed: {}{}", listener.name,
                    Logs.hostPort(s.remoteAddress()), why, LogLimiter.suffix(suppressed));
        }
    }

    /**
     * Periodic sweep: the TURN core's deadlines, handshakes past their timeout, established sessions without an
     * allocation idle past {@link DtlsLimits#idleMillis()}, and the cookie secret's rotation.
     */
    void sweep() {
        long now = services.nanoClock.getAsLong();
        dispatcher.sweep();
        cookies.rotate(now);
        long idle = TimeUnit.MILLISECONDS.toNanos(limits.idleMillis());
        for (DtlsSession s : new ArrayList<>(sessions.values())) {
            if (s.state == DtlsSession.State.HANDSHAKING) {
                if (now - s.deadlineNanos >= 0) {
                    close(s, "handshake timeout", false);
                    stats.count(Counter.DTLS_HANDSHAKE_TIMEOUTS);
                }
            } else if (s.state == DtlsSession.State.ESTABLISHED && allocations.get(s.fiveTuple()) == null
                    && now - s.lastReceivedNanos >= idle) {
                close(s, "idle without an allocation", true);
            }
        }
        flushAll();
    }
}
