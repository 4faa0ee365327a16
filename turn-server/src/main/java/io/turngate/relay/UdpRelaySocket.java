package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.turngate.turn.Allocation;
import io.turngate.turn.RelaySocket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * The UDP relay socket of one allocation: datagrams to peers are batched per read batch of the socket they came
 * from ({@link SegmentBatch}, one UDP GSO send for a same-size burst to one peer) and written and flushed when that
 * read batch ends; datagrams from peers go to the handler {@link #start} installs.
 *
 * <p>Threading: on the event loop of the allocation (the socket is registered on it).
 */
public final class UdpRelaySocket implements RelaySocket {
    /** Largest datagram accepted on a listener or relay socket (pion's inbound MTU); larger ones are dropped. */
    public static final int MAX_DATAGRAM = 1600;
    /** Receive buffer: more than the limit, so an oversized (truncated) datagram is recognisable. */
    public static final int RECEIVE_BUFFER = 2048;

    private final Channel channel;
    private final int port;
    private final SegmentBatch toPeers;
    /** Relay sockets with datagrams queued in the current read batch; this one joins on its first. */
    private final List<? super UdpRelaySocket> toFlush;
    private final Function<Allocation, ChannelHandler> peerHandler;

    /**
     * @param channel     the bound relay channel (its pipeline's first handler is a placeholder {@link #start} replaces)
     * @param gso         the UDP GSO switch of the read path that batches for it
     * @param toFlush     where this socket registers when a read batch queued its first datagram; whoever owns the
     *                    list calls {@link #flush} at the end of the batch and clears the list
     * @param peerHandler the handler of the peers' datagrams for an allocation
     */
    public UdpRelaySocket(Channel channel, SegmentBatch.Gso gso, List<? super UdpRelaySocket> toFlush,
                          Function<Allocation, ChannelHandler> peerHandler) {
        this.channel = channel;
        this.port = ((InetSocketAddress) channel.localAddress()).getPort();
        this.toPeers = new SegmentBatch(gso);
        this.toFlush = toFlush;
        this.peerHandler = peerHandler;
    }

    @Override
    public int port() {
        return port;
    }

    /** The relay channel. */
    public Channel channel() {
        return channel;
    }

    @Override
    public void start(Allocation allocation) {
        channel.pipeline().replace(channel.pipeline().first(), "relay", peerHandler.apply(allocation));
    }

    @Override
    public void send(ByteBuf src, int index, int length, InetSocketAddress peer) {
        SegmentBatch batch = toPeers;
        if (batch.pending() == 0) { // the first datagram of this read batch for this relay socket
            toFlush.add(this);
        }
        batch.next(channel, peer, length).writeBytes(src, index, length);
    }

    /** Writes the queued datagrams and flushes the socket: the end of the read batch that queued them. */
    public void flush() {
        toPeers.flush(channel);
        channel.flush();
    }

    @Override
    public void close() {
        toPeers.discard();
        channel.close();
    }
}
