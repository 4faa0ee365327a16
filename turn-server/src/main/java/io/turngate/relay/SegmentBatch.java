package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The datagrams relayed to one destination during one read batch, coalesced into a single UDP GSO send when they
 * have the same size: Linux {@code UDP_SEGMENT} (udp(7), kernel 4.18+) lets one {@code sendmsg} carry up to
 * {@value #MAX_SEGMENTS} segments of one size (the last may be shorter), which the kernel or the NIC splits into
 * ordinary datagrams. The receiver sees exactly the datagrams it would have seen without it, in the same order.
 *
 * <p>A burst to one destination (a video frame that the worker's packetiser cut into equal-sized RTP packets, the
 * ChannelData one client sent in one {@code recvmmsg} batch) then costs one trip through the IP stack, one
 * {@code msghdr} and one Netty write instead of one of each per datagram. A datagram that cannot join (another
 * destination, another size, a full batch) closes the pending batch, which is written as it is: a lone datagram
 * goes out as a plain {@link DatagramPacket}, so traffic that never forms bursts costs what it did without GSO.
 *
 * <p>Segments are at most {@value #MAX_SEGMENT_SIZE} bytes: GSO refuses a segment bigger than the path MTU where
 * plain sending would fragment, and 1232 bytes fit the IPv6 minimum MTU (1280 − 40 − 8), so every path that can
 * carry IPv6 takes them unfragmented. WebRTC keeps RTP packets at or under 1200 bytes for the same reason.
 *
 * <p><b>How long a datagram waits in a batch.</b> A batch is written and flushed at the end of the read batch that
 * filled it: the {@code channelReadComplete} of the listener socket (datagrams to peers) or of the relay socket
 * (datagrams to the client), which Netty's epoll read loop fires after at most
 * {@code server.Transport.MAX_MESSAGES_PER_READ} = 64 datagrams ({@code recvmmsg} batches of 16, Netty counts each
 * datagram), and earlier when a {@code recvmmsg} comes back with free slots (nothing more queued). So a datagram
 * waits at most for the reading and relaying of the other 63 datagrams of its read batch, never for later traffic
 * or a timer, and a batch never outlives the event-loop task that filled it (a datagram that cannot join, such as
 * one after a full batch, writes the pending ones even sooner). The bound holds for a socket whose send buffer has
 * room; otherwise the datagrams wait in Netty's outbound buffer for the kernel, as any write does.
 *
 * <p>Threading: a batch, and the {@link Gso} switch it shares with the other batches of its listener socket, belong
 * to that socket's event loop.
 */
public final class SegmentBatch {
    /** {@code UDP_MAX_SEGMENTS} of Linux 4.18 to 6.x. */
    public static final int MAX_SEGMENTS = 64;
    /** Largest segment sent with GSO; bigger datagrams are sent one by one. */
    public static final int MAX_SEGMENT_SIZE = 1232;
    /** Bytes in one GSO send, below the 65,507-byte limit of a UDP payload over IPv4. */
    public static final int MAX_BYTES = 65_000;
    /** Capacity a batch buffer starts with, in segments (a pooled size the thread cache keeps); it grows on demand. */
    private static final int INITIAL_SEGMENTS = 16;

    private final Gso gso;
    private ByteBuf buf;
    private InetSocketAddress to;
    private int segmentSize;
    private int count;
    /** The last datagram was shorter than the segment size: GSO allows that only for the last segment. */
    private boolean closed;
    /** Writer index the caller of {@link #next} must reach before the next call (a check on the caller). */
    private int expectedEnd;

    public SegmentBatch(Gso gso) {
        this.gso = gso;
    }

    /**
     * The buffer into which the caller writes the next datagram to {@code to}, exactly {@code size} bytes at the
     * buffer's writer index. When that datagram cannot join the pending ones, they are written to {@code out}
     * first (not flushed).
     */
    public ByteBuf next(Channel out, InetSocketAddress to, int size) {
        if (count > 0) {
            assert buf.writerIndex() == expectedEnd : "the caller wrote " + buf.writerIndex() + " (expected: " + expectedEnd + ")";
            if (joins(to, size)) {
                if (count == 1) { // the second one: move the first into a buffer with room for a batch
                    int max = maxSegments(segmentSize) * segmentSize;
                    ByteBuf batch = out.alloc().directBuffer(Math.min(max, INITIAL_SEGMENTS * segmentSize), max);
                    batch.writeBytes(buf);
                    buf.release();
                    buf = batch;
                }
                count++;
                closed = size < segmentSize;
                expectedEnd = buf.writerIndex() + size;
                return buf;
            }
            flush(out);
        }
        buf = out.alloc().directBuffer(size);
        this.to = to;
        segmentSize = size;
        count = 1;
        closed = false;
        expectedEnd = size;
        return buf;
    }

    private boolean joins(InetSocketAddress to, int size) {
        return gso.enabled && !closed && size > 0 && size <= segmentSize && segmentSize <= MAX_SEGMENT_SIZE
                && count < maxSegments(segmentSize) && (to == this.to || to.equals(this.to));
    }

    static int maxSegments(int segmentSize) {
        return Math.min(MAX_SEGMENTS, MAX_BYTES / segmentSize);
    }

    /** Datagrams pending. */
    public int pending() {
        return count;
    }

    /** Writes the pending datagrams to {@code out} (not flushed); returns how many there were. */
    public int flush(Channel out) {
        int n = count;
        if (n == 0) {
            return 0;
        }
        assert buf.writerIndex() == expectedEnd : "the caller wrote " + buf.writerIndex() + " (expected: " + expectedEnd + ")";
        ByteBuf b = buf;
        InetSocketAddress dst = to;
        buf = null;
        to = null;
        count = 0;
        if (n == 1) {
            out.write(OutboundDatagram.envelope(out, b, dst, 0, null), out.voidPromise());
        } else {
            gso.counters.increment(Gso.SENDS);
            gso.counters.add(Gso.SEGMENTS, n);
            Object msg = OutboundDatagram.envelope(out, b, dst, segmentSize, gso);
            // An OutboundDatagram tells the Gso of its failure itself; Netty's envelope needs a promise for that.
            out.write(msg, msg instanceof OutboundDatagram ? out.voidPromise()
                    : out.newPromise().addListener(gso.onResult));
        }
        return n;
    }

    /** Drops the pending datagrams (their allocation is going away). */
    public void discard() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
        to = null;
        count = 0;
    }

    /**
     * Whether the batches of one listener socket use GSO, with its counters. It starts on where the transport
     * supports it and turns off for good when a GSO send fails (a path that refuses it: IPsec, an MTU below
     * 1280): the datagrams of that one send are lost, as a dropped burst, and later ones go out one by one.
     */
    public static final class Gso {
        /** A switch that is off (NIO transport, or turned off by configuration). */
        public static final Gso OFF = new Gso(false, t -> { });
        /** {@link #counters()}: GSO sends. */
        public static final int SENDS = 0;
        /** {@link #counters()}: datagrams carried by GSO sends. */
        public static final int SEGMENTS = 1;

        private boolean enabled;
        private final LoopCounters counters = new LoopCounters(2);
        private final ChannelFutureListener onResult;
        private final Consumer<Throwable> onFailure;

        /** {@code onFailure} is told, once, why GSO was turned off. */
        public Gso(boolean enabled, Consumer<Throwable> onFailure) {
            this.enabled = enabled;
            this.onFailure = onFailure;
            this.onResult = f -> {
                if (!f.isSuccess()) {
                    failed(f.cause());
                }
            };
        }

        /** A GSO send failed: GSO is off from now on, and {@code onFailure} hears of it the first time. */
        public void failed(Throwable cause) {
            if (enabled) {
                enabled = false;
                onFailure.accept(cause);
            }
        }

        public boolean enabled() {
            return enabled;
        }

        /** GSO sends ({@link #SENDS}) and the datagrams they carried ({@link #SEGMENTS}); written by the owning loop. */
        public LoopCounters counters() {
            return counters;
        }
    }
}
