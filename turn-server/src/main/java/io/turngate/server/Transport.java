package io.turngate.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.TurnDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Picks Netty's native epoll transport when it is available (Linux), NIO otherwise. The choice is made once per
 * process and logged at start.
 *
 * <p>Every datagram socket of turngate (listener and relay sockets) gets the same receive path from
 * {@link #datagramOptions}: pooled buffers, whose slices are recycled (Netty 4.2's default adaptive allocator makes a
 * new slice object per received datagram), and on epoll batched reads with {@code recvmmsg(2)}, one slot of the
 * socket's maximum datagram size per datagram. Batched sends ({@code sendmmsg(2)}) need no option: Netty's epoll
 * channel uses them whenever more than one datagram is flushed at once, which the handlers arrange by flushing once
 * per read batch (turn-notes §0.6); bursts to one destination go out as UDP GSO sends where {@link #supportsGso}.
 */
public enum Transport {
    EPOLL,
    NIO;

    /**
     * Datagrams per {@code recvmmsg(2)} call on epoll: coturn measured average batches of 11 to 16 under load
     * (turn-notes §2), so 16 slots are mostly used when it matters.
     */
    public static final int RECEIVE_BATCH = 16;
    /**
     * Datagrams read from one socket per event-loop wake-up before the loop serves other sockets (and the handlers
     * flush). Netty's {@code FixedRecvByteBufAllocator} would otherwise read ONE datagram per wake-up, which also
     * defeats {@code sendmmsg} batching on the other side.
     */
    public static final int MAX_MESSAGES_PER_READ = 4 * RECEIVE_BATCH;

    /**
     * Senders and destinations a TURN-UDP listener socket keeps the socket addresses of ({@code TurnDatagramChannel}):
     * its clients, 10,000 and more per socket before the table starts again.
     */
    static final int LISTENER_ADDRESSES = 1 << 14;
    /** The same for a relay socket: its allocation's peers. */
    static final int RELAY_ADDRESSES = 1 << 8;

    /** The transport this process uses; {@code -Dturngate.transport=nio} forces NIO. */
    public static Transport detect() {
        if ("nio".equalsIgnoreCase(System.getProperty("turngate.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not used, or {@code null} when it is. */
    public static String unavailabilityCause() {
        Throwable t = Epoll.unavailabilityCause();
        return t == null ? null : t.toString();
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory());
    }

    /**
     * Receive-side options for a datagram socket whose datagrams are at most {@code maxDatagramSize} bytes (a bigger
     * one arrives truncated to that size): the pooled allocator, a fixed receive buffer, at most
     * {@link #MAX_MESSAGES_PER_READ} datagrams per wake-up, and on epoll {@code recvmmsg(2)} with
     * {@link #RECEIVE_BATCH} slots of {@code maxDatagramSize} bytes.
     */
    public Bootstrap datagramOptions(Bootstrap b, int maxDatagramSize) {
        b.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        if (this == EPOLL) {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new BatchReceiveAllocator(maxDatagramSize * RECEIVE_BATCH))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramSize);
        } else {
            FixedRecvByteBufAllocator receive = new FixedRecvByteBufAllocator(maxDatagramSize);
            receive.maxMessagesPerRead(MAX_MESSAGES_PER_READ);
            b.option(ChannelOption.RCVBUF_ALLOCATOR, receive);
        }
        return b;
    }

    /**
     * Netty's fixed-size receive allocator, except that a socket's read loop ends after a {@code recvmmsg(2)} that
     * filled fewer slots than it offered: the socket had nothing more queued at that moment, and Netty 4.2's epoll
     * channels are level-triggered, so whatever arrives later wakes the loop again. Netty's own loop would call
     * {@code recvmmsg} once more, only to get {@code EAGAIN}, on every wake-up of a lightly loaded socket (measured
     * with {@code strace -c}: half of all {@code recvmmsg} calls at 20 k probes/s).
     */
    static final class BatchReceiveAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
        private final int bufferSize;

        BatchReceiveAllocator(int bufferSize) {
            super(MAX_MESSAGES_PER_READ);
            this.bufferSize = bufferSize;
        }

        @Override
        public Handle newHandle() {
            return new BatchHandle();
        }

        private final class BatchHandle extends MaxMessageHandle {
            /** Every slot of the last read was filled (Netty reports slots × slot size read, or -1 for none). */
            private final UncheckedBooleanSupplier batchWasFull = () -> lastBytesRead() == attemptedBytesRead();

            @Override
            public int guess() {
                return bufferSize;
            }

            @Override
            public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
                return super.continueReading(batchWasFull);
            }
        }
    }

    /**
     * Whether this transport can send UDP GSO batches ({@code UDP_SEGMENT} with {@code sendmmsg(2)}, Linux 4.18+):
     * only native epoll.
     */
    public boolean supportsGso() {
        return this == EPOLL && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /** A datagram channel for one address family (relay sockets): IPv4-only or IPv6. */
    public DatagramChannel newDatagramChannel(boolean ipv4) {
        SocketProtocolFamily family = ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        return this == EPOLL ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
    }

    /** A TCP server channel (TURN-TCP and TURN-TLS listeners; dual-stack on the wildcard address). */
    public ServerSocketChannel newServerSocketChannel() {
        return this == EPOLL ? new EpollServerSocketChannel() : new NioServerSocketChannel();
    }

    /** A dual-stack datagram channel (DTLS listener sockets bind the wildcard address, as stunnerd does). */
    public DatagramChannel newDualStackDatagramChannel() {
        return this == EPOLL ? new EpollDatagramChannel() : new NioDatagramChannel();
    }

    /**
     * Whether TURN-UDP listener and relay sockets use turngate's epoll channel, which allocates nothing per datagram
     * ({@link TurnDatagramChannel}): on epoll where its hooks into Netty are there, unless
     * {@code -Dturngate.udp.channel=netty} asks for Netty's own channel (the envelopes it allocates are the only
     * difference).
     */
    public boolean reusesDatagrams() {
        return this == EPOLL && !"netty".equalsIgnoreCase(System.getProperty("turngate.udp.channel"))
                && TurnDatagramChannel.isAvailable();
    }

    /** Why {@link #reusesDatagrams()} is false on epoll, for the start log; {@code null} when it is true. */
    public String datagramChannelNote() {
        if (reusesDatagrams()) {
            return null;
        }
        if (this != EPOLL) {
            return "NIO";
        }
        Throwable t = TurnDatagramChannel.unavailabilityCause();
        return t == null ? "-Dturngate.udp.channel=netty" : t.toString();
    }

    /**
     * A TURN relay socket for one address family: turngate's channel where {@link #reusesDatagrams()}, Netty's
     * otherwise. Its handler reads {@code ReceivedDatagram} or {@code DatagramPacket} and writes what
     * {@code OutboundDatagram.envelope} picks.
     */
    public Channel newRelayChannel(boolean ipv4) {
        if (reusesDatagrams()) {
            return new TurnDatagramChannel(ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6, RELAY_ADDRESSES);
        }
        return newDatagramChannel(ipv4);
    }

    /** A dual-stack TURN-UDP listener socket, as {@link #newRelayChannel}. */
    public Channel newListenerChannel() {
        return reusesDatagrams() ? new TurnDatagramChannel(null, LISTENER_ADDRESSES) : newDualStackDatagramChannel();
    }
}
