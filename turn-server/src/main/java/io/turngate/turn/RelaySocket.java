package io.turngate.turn;

import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;

/**
 * The relay side of one allocation (RFC 8656 §6): the UDP socket on the relayed transport address, whatever the
 * client's transport. Peers' datagrams arriving on it go to the core's peer-data handler for this allocation once
 * {@link #start} is called; the core sends to peers with {@link #send}.
 *
 * <p>Threading: every method on the event loop that owns the allocation; the socket is registered on that loop.
 */
public interface RelaySocket {
    /** The local port, advertised in XOR-RELAYED-ADDRESS with the listener's relay address. */
    int port();

    /** Starts delivering the peers' datagrams of this socket to {@code allocation} (created on it). */
    void start(Allocation allocation);

    /**
     * Queues {@code length} bytes of {@code src} from {@code index} (not consumed, not released) as one datagram to
     * {@code peer}. Queued datagrams go out at the end of the read batch that produced them; an implementation
     * registers itself with whoever flushes that batch (turngate's UDP relay socket: the listener socket's read).
     */
    void send(ByteBuf src, int index, int length, InetSocketAddress peer);

    /** Drops what is queued and closes the socket (the allocation went away); later calls do nothing. */
    void close();
}
