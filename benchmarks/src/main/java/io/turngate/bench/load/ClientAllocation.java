package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One TURN allocation of the load generator: its client socket, its control-plane state machine and its data-plane
 * sender/receiver.
 *
 * <p><b>Control plane</b> (records and {@link StunCodec}, a few messages per allocation): Allocate without
 * credentials, expecting 401 with REALM and NONCE, then Allocate with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY
 * (RFC 8656 §7.1-7.3, RFC 8489 §9.2 long-term credentials); then ChannelBind (RFC 8656 §11.1) or CreatePermission
 * (§9.1) towards this allocation's echo peer; finally Refresh with LIFETIME 0 (§8.1) to delete it. A 438 Stale
 * Nonce answer is retried with the new NONCE (RFC 8489 §9.2.5). Requests are retransmitted with a doubling RTO
 * (RFC 8489 §6.2.1).
 *
 * <p><b>Data plane</b> (static accessors in {@link Wire}, pooled buffers, nothing else allocated by this class per
 * packet): probes go out as ChannelData or Send indications and come back as ChannelData or Data indications.
 *
 * <p><b>Transports</b> (RFC 8656 §3.1): over UDP the allocation has its own connected datagram socket. Over TCP and
 * TLS it has its own connection (the server deletes the allocation when it closes); STUN and ChannelData are framed
 * on the stream by a {@link StreamFramer}, outgoing ChannelData is padded to a multiple of 4 (RFC 8656 §12.5), and
 * control requests are sent once and not retransmitted (RFC 8489 §6.2.2: the transport is reliable), with the same
 * overall timeout as the UDP schedule. The relay side is UDP in every case.
 *
 * <p><b>Threading:</b> all state is owned by the channel's event loop, which is {@link Worker#loop}.
 */
final class ClientAllocation extends ChannelInboundHandlerAdapter implements StreamFramer.Sink {

    /**
     * Largest frame accepted from the server on a stream: a Data indication or ChannelData around the largest probe,
     * with room to spare (STUN responses are far smaller). A longer frame means the stream is out of step.
     */
    static final int MAX_STREAM_FRAME = 4096;
    /**
     * Probes gathered into one write on a stream before the flush: at most one TLS record's worth of plaintext
     * (RFC 8446 §5.1: 2^14 bytes), so a batch leaves as one record and one {@code write}.
     */
    static final int STREAM_BATCH_BYTES = 16_384;

    /** The one channel number each allocation binds (every allocation has its own channel namespace). */
    static final int CHANNEL = ChannelNumber.MIN;

    enum State { NEW, ALLOCATING, ALLOCATED, BINDING, READY, DELETING, DELETED, FAILED }

    /** Called on the loop when a control-plane step has finished. */
    interface Completion {
        void done(ClientAllocation allocation, boolean ok);
    }

    final int index;
    final Worker worker;
    final InetSocketAddress peer;
    private final RunSettings settings;
    private final boolean flood;
    private final boolean stream;
    private final int frameLength;
    private Channel channel;
    /** Frames the server's byte stream (TCP, TLS); null over UDP. */
    private StreamFramer framer;

    // ---- control plane -------------------------------------------------------------------------------------
    private State state = State.NEW;
    private String realm;
    private String nonce;
    private byte[] key;
    private InetSocketAddress relayed;
    private Transaction pending;
    /** Error code (or 0 for a timeout, -1 for a local error) of the step that failed. */
    private int failureCode;
    private String failureReason = "";
    long allocateNanos;
    long bindNanos;
    /** When the permission / channel binding was last installed or refreshed (System.nanoTime). */
    long refreshedAtNanos;

    // ---- data plane ----------------------------------------------------------------------------------------
    private long seq;
    private int inflight;
    private long lastProgressNanos;
    private boolean dirty;
    /** GSO: frames written since the last flush, sent as one UDP_SEGMENT write (null when GSO is off or empty). */
    private ByteBuf batch;
    private int batchCount;
    private final int batchLimit;

    ClientAllocation(int index, Worker worker, InetSocketAddress peer) {
        this.index = index;
        this.worker = worker;
        this.peer = peer;
        this.settings = worker.settings;
        this.flood = settings.ratePps() == 0;
        this.stream = settings.transport().isStream();
        this.frameLength = settings.clientFrameLength(peer.getAddress() instanceof Inet6Address);
        this.batchLimit = stream ? streamBatch(frameLength) : settings.gso() ? RunSettings.gsoSegments(frameLength) : 1;
    }

    /** Probes of {@code frameLength} bytes written as one buffer on a stream ({@link #STREAM_BATCH_BYTES}). */
    static int streamBatch(int frameLength) {
        return Math.max(1, Math.min(RunSettings.GSO_MAX_SEGMENTS, STREAM_BATCH_BYTES / frameLength));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (stream) {
            framer = new StreamFramer(ctx.alloc(), MAX_STREAM_FRAME);
        }
    }

    /** The connection could not be set up (TCP connect or TLS handshake); the allocation will not be tried. */
    void connectFailed(String reason) {
        fail(-1, reason);
    }

    Channel channel() {
        return channel;
    }

    State state() {
        return state;
    }

    boolean isReady() {
        return state == State.READY;
    }

    InetSocketAddress relayed() {
        return relayed;
    }

    int failureCode() {
        return failureCode;
    }

    String failureReason() {
        return failureReason;
    }

    // =========================================================================================================
    // Control plane
    // =========================================================================================================

    /** Allocate (401 round, then authenticated); {@code done} runs once on the loop. */
    void allocate(Completion done) {
        if (state == State.FAILED || channel == null || !channel.isActive()) {
            if (state != State.FAILED) {
                fail(-1, "connection closed before Allocate");
            }
            done.done(this, false);
            return;
        }
        state = State.ALLOCATING;
        long start = System.nanoTime();
        Supplier<List<StunAttribute>> body = () -> {
            List<StunAttribute> a = new ArrayList<>(2);
            a.add(new RequestedTransport(RequestedTransport.UDP));
            if (settings.lifetimeSeconds() > 0) {
                a.add(new Lifetime(settings.lifetimeSeconds()));
            }
            return a;
        };
        start(new Transaction(StunMethod.ALLOCATE, body, false, response -> {
            XorRelayedAddress r = response.attribute(XorRelayedAddress.class);
            relayed = r == null ? null : r.address();
            allocateNanos = System.nanoTime() - start;
            state = State.ALLOCATED;
            done.done(this, true);
        }, () -> done.done(this, false)));
    }

    /** ChannelBind (channel mode) or CreatePermission (send mode) for {@link #peer}. */
    void bind(Completion done) {
        if (state != State.ALLOCATED) {
            done.done(this, false);
            return;
        }
        state = State.BINDING;
        long start = System.nanoTime();
        boolean channelMode = settings.mode() == RunSettings.Mode.CHANNEL;
        Supplier<List<StunAttribute>> body = channelMode
                ? () -> List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(peer))
                : () -> List.of(new XorPeerAddress(peer));
        int method = channelMode ? StunMethod.CHANNEL_BIND : StunMethod.CREATE_PERMISSION;
        start(new Transaction(method, body, true, response -> {
            bindNanos = System.nanoTime() - start;
            refreshedAtNanos = System.nanoTime();
            state = State.READY;
            done.done(this, true);
        }, () -> done.done(this, false)));
    }

    /** Refresh with LIFETIME 0: deletes the allocation (RFC 8656 §7.2). 437 counts as already deleted. */
    void delete(Completion done) {
        if (state != State.READY && state != State.ALLOCATED && state != State.BINDING
                && !(state == State.FAILED && key != null && relayed != null)
                || stream && (channel == null || !channel.isActive())) {
            done.done(this, false); // a closed stream took its allocation with it (RFC 8656 §3.1)
            return;
        }
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        state = State.DELETING;
        start(new Transaction(StunMethod.REFRESH, () -> List.of(new Lifetime(0)), true, response -> {
            state = State.DELETED;
            done.done(this, true);
        }, () -> {
            boolean gone = failureCode == 437;
            state = State.DELETED;
            done.done(this, gone);
        }));
    }

    /** Keeps the allocation and its binding alive during long runs (RFC 8656 §7.2, §9, §11). */
    void refresh(Completion done) {
        if (state != State.READY || pending != null) {
            done.done(this, state == State.READY);
            return;
        }
        boolean channelMode = settings.mode() == RunSettings.Mode.CHANNEL;
        Supplier<List<StunAttribute>> bindBody = channelMode
                ? () -> List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(peer))
                : () -> List.of(new XorPeerAddress(peer));
        int bindMethod = channelMode ? StunMethod.CHANNEL_BIND : StunMethod.CREATE_PERMISSION;
        long lifetime = settings.lifetimeSeconds() > 0 ? settings.lifetimeSeconds() : 600;
        start(new Transaction(StunMethod.REFRESH, () -> List.of(new Lifetime(lifetime)), true,
                r -> start(new Transaction(bindMethod, bindBody, true, r2 -> {
                    state = State.READY;
                    done.done(this, true);
                }, () -> done.done(this, false))),
                () -> done.done(this, false)));
    }

    private void start(Transaction t) {
        pending = t;
        t.transmit();
    }

    private void fail(int code, String reason) {
        failureCode = code;
        failureReason = reason;
        State was = state;
        state = was == State.DELETING ? State.DELETING : State.FAILED;
    }

    /** A STUN message other than a Data indication, at {@code off} in {@code buf}. */
    private void onControl(ByteBuf buf, int off, int len) {
        onControl(off == buf.readerIndex() && len == buf.readableBytes() ? buf : buf.slice(off, len));
    }

    private void onControl(ByteBuf content) {
        Transaction t = pending;
        if (t == null) {
            return;
        }
        StunMessage message;
        try {
            ReceivedStun received = StunCodec.decode(content);
            message = received.message();
        } catch (Exception e) {
            worker.invalid++;
            return;
        }
        if (!message.transactionId().equals(t.id) || !message.messageClass().isResponse()) {
            return; // a late answer to an earlier transmission
        }
        t.cancel();
        pending = null;
        if (message.messageClass() == StunClass.SUCCESS_RESPONSE) {
            t.onSuccess.accept(message);
            return;
        }
        ErrorCodeAttribute error = message.attribute(ErrorCodeAttribute.class);
        int code = error == null ? 400 : error.code();
        Realm r = message.attribute(Realm.class);
        Nonce n = message.attribute(Nonce.class);
        boolean nonceChanged = n != null && !n.value().equals(nonce);
        if ((code == 401 || code == 438) && n != null && (code == 438 || !t.authenticated || nonceChanged)
                && t.authRetries < 3) {
            if (r != null && !r.value().equals(realm)) {
                realm = r.value();
                key = worker.longTermKey(realm);
            }
            nonce = n.value();
            if (realm != null) {
                Transaction again = t.withAuthentication();
                pending = again;
                again.transmit();
                return;
            }
        }
        fail(code, error == null ? "error response without ERROR-CODE" : error.reason());
        t.onFailure.run();
    }

    /** RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password). */
    static byte[] longTermKey(String user, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((user + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** One outstanding request with its retransmission timer. */
    private final class Transaction {
        final int method;
        final Supplier<List<StunAttribute>> body;
        final boolean authenticated;
        final Consumer<StunMessage> onSuccess;
        final Runnable onFailure;
        final int authRetries;
        final TransactionId id = new TransactionId(ThreadLocalRandom.current().nextInt(),
                ThreadLocalRandom.current().nextLong());
        private byte[] wire;
        private int transmissions;
        private ScheduledFuture<?> timer;

        Transaction(int method, Supplier<List<StunAttribute>> body, boolean authenticated,
                    Consumer<StunMessage> onSuccess, Runnable onFailure) {
            this(method, body, authenticated, onSuccess, onFailure, 0);
        }

        private Transaction(int method, Supplier<List<StunAttribute>> body, boolean authenticated,
                            Consumer<StunMessage> onSuccess, Runnable onFailure, int authRetries) {
            this.method = method;
            this.body = body;
            this.authenticated = authenticated;
            this.onSuccess = onSuccess;
            this.onFailure = onFailure;
            this.authRetries = authRetries;
        }

        Transaction withAuthentication() {
            return new Transaction(method, body, true, onSuccess, onFailure, authRetries + 1);
        }

        void transmit() {
            if (wire == null) {
                List<StunAttribute> attrs = new ArrayList<>(body.get());
                if (authenticated) {
                    if (key == null) {
                        // First contact for this request type without a realm yet: send it unauthenticated.
                        wire = encode(attrs, null);
                    } else {
                        attrs.add(new Username(settings.user()));
                        attrs.add(new Realm(realm));
                        attrs.add(new Nonce(nonce));
                        wire = encode(attrs, key);
                    }
                } else {
                    wire = encode(attrs, null);
                }
            }
            transmissions++;
            if (!stream || transmissions == 1) {
                // RFC 8489 §6.2.2: over TCP and TLS the request is sent once; the timer below still runs the UDP
                // schedule, so the transaction times out after the same total time.
                channel.writeAndFlush(Unpooled.wrappedBuffer(wire), channel.voidPromise());
            }
            long rto = settings.rtoMillis() << Math.min(transmissions - 1, 6);
            timer = worker.loop.schedule(this::onTimeout, rto, TimeUnit.MILLISECONDS);
        }

        private byte[] encode(List<StunAttribute> attrs, byte[] integrityKey) {
            StunMessage m = new StunMessage(method, StunClass.REQUEST, id, attrs);
            ByteBuf out = Unpooled.buffer(256);
            try {
                StunCodec.encode(m, out, integrityKey, true);
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        }

        private void onTimeout() {
            if (pending != this) {
                return;
            }
            if (transmissions >= settings.maxTransmissions()) {
                pending = null;
                fail(0, "timeout after " + transmissions + " transmissions");
                onFailure.run();
                return;
            }
            transmit();
        }

        void cancel() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    // =========================================================================================================
    // Data plane
    // =========================================================================================================

    /**
     * Writes one probe (not flushed); false when the outbound buffer is full and the probe was dropped. With GSO the
     * probe is appended to {@link #batch} and leaves with the next {@link #flush()} as one UDP_SEGMENT write.
     * Sent now and due now (no schedule).
     */
    boolean sendProbe(long nowNanos) {
        return sendProbe(nowNanos, nowNanos);
    }

    /**
     * Writes one probe sent at {@code nowNanos} that the fixed-rate schedule wanted to leave at {@code intendedNanos}
     * (not later than now); its RTT is measured from both ({@link Worker#recordRtt}).
     */
    boolean sendProbe(long nowNanos, long intendedNanos) {
        Channel ch = channel;
        if (!ch.isWritable()) {
            worker.sendDropped++;
            return false;
        }
        int payload = settings.payload();
        ByteBuf b;
        if (batchLimit > 1) {
            if (batch == null) {
                batch = ch.alloc().directBuffer(batchLimit * frameLength);
            }
            b = batch;
        } else {
            b = ch.alloc().directBuffer(frameLength);
        }
        if (settings.mode() == RunSettings.Mode.CHANNEL) {
            Wire.writeChannelDataHeader(b, CHANNEL, payload);
            Wire.writeProbe(b, worker.epoch, index, seq, nowNanos, intendedNanos, payload);
            if (stream) {
                Wire.writePadding(b, payload); // RFC 8656 §12.5, not counted in the length field
            }
        } else {
            Wire.writeSendIndicationHead(b, seq, peer, payload);
            Wire.writeProbe(b, worker.epoch, index, seq, nowNanos, intendedNanos, payload);
            Wire.writePadding(b, payload);
        }
        seq++;
        if (batchLimit > 1) {
            if (++batchCount == batchLimit) {
                writeBatch();
            }
        } else {
            ch.write(b, ch.voidPromise());
        }
        worker.sent++;
        inflight++;
        if (!dirty) {
            dirty = true;
            worker.markDirty(this);
        }
        return true;
    }

    private void writeBatch() {
        ByteBuf b = batch;
        int n = batchCount;
        batch = null;
        batchCount = 0;
        if (n == 1 || stream) {
            channel.write(b, channel.voidPromise());
        } else {
            channel.write(new io.netty.channel.epoll.SegmentedDatagramPacket(b, frameLength, settings.server()),
                    channel.voidPromise());
        }
    }

    void flush() {
        if (dirty) {
            dirty = false;
            if (batch != null) {
                writeBatch();
            }
            channel.flush();
        }
    }

    /** As-fast-as-possible mode: tops the in-flight window up. */
    void fill(long nowNanos) {
        int window = settings.windowPerAllocation();
        while (inflight < window && worker.maySend()) {
            if (!sendProbe(nowNanos)) {
                break;
            }
        }
        lastProgressNanos = nowNanos;
    }

    /** As-fast-as-possible mode: treats the window as lost after {@code timeoutNanos} without an echo. */
    void refillIfStalled(long nowNanos, long timeoutNanos) {
        if (inflight == 0 || nowNanos - lastProgressNanos > timeoutNanos) {
            inflight = 0;
            fill(nowNanos);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            ByteBuf c = packet.content();
            try {
                onFrame(c, c.readerIndex(), c.readableBytes());
            } finally {
                packet.release();
            }
        } else if (msg instanceof ByteBuf bytes && framer != null) {
            try {
                framer.feed(bytes, this);
            } catch (io.netty.handler.codec.CorruptedFrameException e) {
                // The stream is out of step and cannot be resynchronised: count it and give the connection up.
                worker.invalid++;
                if (failureReason.isEmpty()) {
                    failureReason = "stream out of step: " + e.getMessage();
                }
                ctx.close();
            } finally {
                bytes.release();
            }
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /**
     * One datagram (UDP) or one frame cut out of the stream by {@link StreamFramer} (TCP, TLS): ChannelData or a
     * Data indication carrying a probe, or a response to a control request.
     */
    @Override
    public void onFrame(ByteBuf c, int off, int len) {
        if (len >= Wire.CHANNEL_DATA_HEADER && Wire.isChannelData(c, off)) {
            int l = Wire.channelDataLength(c, off);
            if (l <= len - Wire.CHANNEL_DATA_HEADER) {
                onProbe(c, off + Wire.CHANNEL_DATA_HEADER, l);
            } else {
                worker.invalid++;
            }
            return;
        }
        int type = Wire.stunType(c, off, len);
        if (type == Wire.DATA_INDICATION) {
            int v = Wire.dataAttributeValue(c, off, len);
            if (v < 0) {
                worker.invalid++;
            } else {
                onProbe(c, v, c.getUnsignedShort(v - 2));
            }
        } else if (type >= 0) {
            onControl(c, off, len);
        } else {
            worker.invalid++;
        }
    }

    private void onProbe(ByteBuf buf, int off, int len) {
        long now = System.nanoTime();
        int epoch = Wire.probeEpoch(buf, off, len);
        if (epoch < 0) {
            worker.invalid++;
            return;
        }
        if (inflight > 0) {
            inflight--;
        }
        lastProgressNanos = now;
        if (epoch == worker.epoch) {
            worker.delivered++;
            worker.recordRtt(now, Wire.probeTime(buf, off), Wire.probeIntendedTime(buf, off));
        } else {
            worker.stale++;
        }
        if (flood && worker.maySend()) {
            fill(now);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        worker.flushDirty();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (framer != null) {
            framer.release();
        }
    }

    /**
     * A stream closed under the allocation (by the server, or after an error): the request in flight fails, and a
     * connection lost before the delete phase is counted ({@link Worker#connectionsLost}).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream && state != State.DELETED && state != State.DELETING) {
            if (state == State.ALLOCATED || state == State.BINDING || state == State.READY) {
                worker.connectionsLost++;
            }
            Transaction t = pending;
            if (t != null) {
                t.cancel();
                pending = null;
            }
            String why = failureReason.isEmpty() ? "connection closed" : failureReason;
            fail(-1, why);
            if (t != null) {
                t.onFailure.run();
            }
        } else if (stream && state == State.DELETING && pending != null) {
            Transaction t = pending;
            t.cancel();
            pending = null;
            t.onFailure.run();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // UDP: ICMP port unreachable and the like on a connected socket: count, keep the socket. A stream (a reset,
        // a TLS alert) cannot go on after an error: count it and close, which fails the allocation.
        worker.invalid++;
        if (stream) {
            if (failureReason.isEmpty()) {
                failureReason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            ctx.close();
        }
    }
}
