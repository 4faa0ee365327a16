package io.turngate.bench.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.relay.ChannelData;
import io.turngate.relay.SegmentBatch;
import io.turngate.server.Transport;
import io.turngate.stun.TransactionId;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.Permission;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.SelfAddresses;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ChannelData relay step, client → peer (RFC 8656 §12.5), and the framing of the way back (§11.3).
 *
 * <p><b>What is measured.</b> The same sequence as the UDP transport's ChannelData path
 * ({@code ListenerSocketHandler.onChannelData}, then the core's {@code ChannelDataHandler}), built from the same
 * public pieces (the transport is package-private and its relay socket is bound by an Allocate, so it is not driven
 * directly): RFC 7983 demultiplexing and the {@link ChannelData} static accessors, the allocation lookup by the
 * client's address, the channel lookup in the allocation's primitive-keyed map, {@link Permission#allows} against
 * the listener's compiled {@link RoutePolicy}, the gateway-port check of {@link SelfAddresses}, a retained slice of
 * the datagram as the payload, and the write of a {@code DatagramPacket} to a real relay socket: a Netty datagram
 * channel of the transport turngate uses ({@link Transport#detect}, with {@link Transport#datagramOptions}), bound
 * to 127.0.0.1 and registered on a {@link ManualIoEventLoop} owned by the JMH thread, so the write and flush run
 * inline and end in the kernel ({@code sendto} for one datagram, {@code sendmmsg} for a flushed burst) towards a
 * loopback sink that never reads (the kernel drops what does not fit, as a slow peer would). The JMH thread is a
 * Netty {@code FastThreadLocalThread} ({@link EventLoopThreads}), as turngate's event loops are, so Netty recycles
 * slices and buffer objects exactly as it does in the gateway. Netty's leak detector is off: at its default level
 * ({@code simple}) it records a stack trace for one buffer in 128, about 12 B per operation on average for
 * {@link #peerToClientFraming}. A command-line {@code -jvmArgsAppend} replaces these flags: repeat them.
 *
 * <ul>
 *   <li>{@link #decideOnly}: turngate's own work per datagram, without the write (the slice is released);</li>
 *   <li>{@link #relayOne}: one datagram written and flushed: one {@code sendto};</li>
 *   <li>{@link #relayBurst16}: 16 datagrams written, one flush, as after one read batch: one {@code sendmmsg};
 *       the score is per datagram;</li>
 *   <li>{@link #relayBurst16Gso}: the same burst the way the gateway sends it, copied into a {@link SegmentBatch}
 *       and written as one UDP GSO send (where the transport supports it; otherwise as {@link #relayBurst16});
 *       the score is per datagram;</li>
 *   <li>{@link #peerToClientFraming}: the way back without I/O: permission and channel lookup by the peer's
 *       address, a pooled direct buffer with the ChannelData header and a copy of the payload.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=io.turngate.bench.relay.EventLoopThreads", "-Dio.netty.leakDetection.level=disabled"})
public class ChannelDataRelayBenchmark {
    private static final int CHANNEL = 0x4000;
    private static final int BURST = 16;

    /** Application data bytes per ChannelData message (100: audio-sized; 1200: a full video packet). */
    @Param({"100", "1200"})
    public int payload;

    private ManualIoEventLoop loop;
    private Channel relay;
    private DatagramChannel sink;
    private final Map<InetSocketAddress, Allocation> allocations = new HashMap<>();
    private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
    private InetSocketAddress peer;
    private RoutePolicy policy;
    private SelfAddresses self;
    private ByteBuf datagram;
    private ByteBuf peerData;
    private ByteBufAllocator alloc;
    private int ops;
    private SegmentBatch gsoBatch;

    @Setup
    public void setUp() throws Exception {
        Transport transport = Transport.detect();
        loop = new ManualIoEventLoop(Thread.currentThread(), transport.ioHandlerFactory());
        ChannelFuture bound = transport.datagramOptions(new Bootstrap(), 2048)
                .group(loop)
                .channelFactory(() -> transport.newDatagramChannel(true))
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0));
        for (int i = 0; i < 10_000 && !bound.isDone(); i++) {
            loop.runNow();
        }
        relay = bound.sync().channel();
        alloc = relay.alloc();
        sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peer = (InetSocketAddress) sink.getLocalAddress();

        StunnerConfig cfg = ConfigLoader.parse("{\"version\": \"v1\", \"admin\": {\"name\": \"bench\"},"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"r\", \"credentials\": {\"username\": \"u\","
                + " \"password\": \"p\"}}, \"listeners\": [{\"name\": \"l\", \"protocol\": \"TURN-UDP\", \"port\": 3478,"
                + " \"routes\": [\"peers\"]}], \"clusters\": [{\"name\": \"peers\", \"type\": \"STATIC\","
                + " \"endpoints\": [\"127.0.0.1\"]}]}", Map.of());
        policy = RoutePolicy.compile(cfg, cfg.listeners().get(0), Map.of());
        gsoBatch = new SegmentBatch(new SegmentBatch.Gso(transport.supportsGso(),
                cause -> { throw new IllegalStateException("GSO send failed in the benchmark: " + cause); }));
        self = new SelfAddresses();
        long now = System.nanoTime();
        // The allocation's own state only: the benchmark writes to its relay channel itself (no RelaySocket).
        Allocation a = new Allocation(client, null, new InetSocketAddress("127.0.0.1", 50000), "u",
                TransactionId.random(), new byte[0], now + TimeUnit.HOURS.toNanos(1));
        a.bindChannel(CHANNEL, peer, true, now);
        allocations.put(client, a);

        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(ChannelData.HEADER_LENGTH + payload);
        ChannelData.writeHeader(datagram, CHANNEL, payload);
        datagram.writeZero(payload);
        peerData = PooledByteBufAllocator.DEFAULT.directBuffer(payload).writeZero(payload);
        if (decideOnly() != payload) {
            throw new IllegalStateException("set-up: the relay step refused the datagram");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        datagram.release();
        peerData.release();
        relay.close();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        for (int i = 0; i < 10_000 && !loop.isTerminated(); i++) {
            loop.runNow();
        }
        sink.close();
    }

    /**
     * The decision of {@code onChannelData}: returns the payload slice, or null when the datagram is dropped; on
     * success {@link #target} says where it goes.
     */
    private ByteBuf step() {
        ByteBuf buf = datagram;
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        if ((buf.getUnsignedByte(offset) & 0xC0) != 0x40 || !ChannelData.isComplete(buf, offset, length)) {
            return null;
        }
        Allocation a = allocations.get(client);
        if (a == null) {
            return null;
        }
        ChannelBinding binding = a.channel(ChannelData.channelNumber(buf, offset));
        if (binding == null) {
            return null;
        }
        Permission perm = binding.permission();
        int port = binding.peer().getPort();
        if (!perm.allows(policy, port) || (perm.local() && self.isOwnPort(port))) {
            return null;
        }
        target = binding.peer();
        return buf.retainedSlice(offset + ChannelData.HEADER_LENGTH, ChannelData.length(buf, offset));
    }

    private InetSocketAddress target;

    @Benchmark
    public int decideOnly() {
        ByteBuf slice = step();
        if (slice == null) {
            return -1;
        }
        int n = slice.readableBytes();
        slice.release();
        return n;
    }

    @Benchmark
    public void relayOne() {
        ByteBuf slice = step();
        if (slice != null) {
            Channel ch = relay;
            ch.write(new DatagramPacket(slice, target), ch.voidPromise());
            ch.flush();
        }
        serviceLoop(1);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void relayBurst16() {
        Channel ch = null;
        for (int i = 0; i < BURST; i++) {
            ByteBuf slice = step();
            if (slice != null) {
                ch = relay;
                ch.write(new DatagramPacket(slice, target), ch.voidPromise());
            }
        }
        if (ch != null) {
            ch.flush();
        }
        serviceLoop(BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void relayBurst16Gso() {
        Channel ch = null;
        for (int i = 0; i < BURST; i++) {
            ByteBuf slice = step();
            if (slice != null) {
                ch = relay;
                int n = slice.readableBytes();
                gsoBatch.next(ch, target, n).writeBytes(slice, slice.readerIndex(), n);
                slice.release();
            }
        }
        if (ch != null) {
            gsoBatch.flush(ch);
            ch.flush();
        }
        serviceLoop(BURST);
    }

    /** Lets the event loop handle EPOLLOUT and tasks now and then (a real loop does this between read batches). */
    private void serviceLoop(int n) {
        ops += n;
        if (ops >= 256) {
            ops = 0;
            loop.runNow();
        }
    }

    @Benchmark
    public int peerToClientFraming() {
        Allocation a = allocations.get(client);
        Permission perm = a.permission(peer.getAddress());
        if (perm == null || !perm.allows(policy, peer.getPort())) {
            return -1;
        }
        ChannelBinding binding = a.channelForPeer(peer);
        int length = peerData.readableBytes();
        ByteBuf out = alloc.directBuffer(ChannelData.HEADER_LENGTH + length);
        ChannelData.writeHeader(out, binding.number(), length);
        out.writeBytes(peerData, peerData.readerIndex(), length);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
