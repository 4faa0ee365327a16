package io.turngate.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetSocketAddress;

/**
 * The way to one TURN client (RFC 8656 §3.1: UDP, TCP, TLS-over-TCP or DTLS-over-UDP between client and server),
 * as the TURN core sees it: who the client is, and how the core answers it and relays peer data to it. Each
 * transport frames and sends; everything TURN decides is in the core ({@code io.turngate.turn.handler}).
 *
 * <ul>
 *   <li>UDP (and DTLS, one session per client 5-tuple): one instance per client sender address on a listener
 *       socket; its {@link #fiveTuple()} is that {@link InetSocketAddress}. turngate's UDP transport batches the
 *       datagrams to one client into UDP GSO sends inside this object.</li>
 *   <li>TCP and TLS: one instance per connection, which is one 5-tuple and so carries at most one
 *       allocation; its {@link #fiveTuple()} is the connection itself (this object or its channel). ChannelData on
 *       a stream is padded to a multiple of 4 bytes (RFC 8656 §12.5); a stream transport may close the connection
 *       when its allocation goes ({@link #allocationClosed()}).</li>
 * </ul>
 *
 * <p>Writes are queued and go out on {@link #flush()}. The core never flushes inside a read batch of the client's
 * socket (the transport flushes once at the end of it, which lets the kernel batch the sends); it flushes after
 * work that completes outside one (an Allocate whose relay socket was bound later) and at the end of a relay
 * socket's read batch.
 *
 * <p>Threading: every method on the event loop that owns the client's allocation table, only.
 */
public interface ClientTransport {
    /**
     * The client's 5-tuple as the key of its allocation in the {@link AllocationTable} of this transport's event
     * loop: equal keys mean the same 5-tuple. The table belongs to one listener (protocol and server address fixed),
     * so a datagram transport gives the client's sender {@link InetSocketAddress}, and a stream transport the
     * connection. Stable for the life of this object; lookups with it allocate nothing.
     */
    Object fiveTuple();

    /** The client's transport address as this server sees it (XOR-MAPPED-ADDRESS, nonces, per-source limits, logs). */
    InetSocketAddress remoteAddress();

    /** The allocator the core encodes its answers with (the client socket's). */
    ByteBufAllocator alloc();

    /** Queues an encoded STUN message (a response) to the client; takes ownership of {@code message}. */
    void sendResponse(ByteBuf message);

    /**
     * Queues a ChannelData message (RFC 8656 §12.4) to the client: {@code channelNumber}, then {@code length} bytes
     * of {@code data} from {@code index} (not consumed, not released).
     */
    void writeChannelData(int channelNumber, ByteBuf data, int index, int length);

    /**
     * Queues a Data indication (RFC 8656 §11.3) to the client: XOR-PEER-ADDRESS {@code peerAddress} (the 4 or 16
     * address bytes) and {@code peerPort}, then DATA with {@code length} bytes of {@code data} from {@code index}
     * (not consumed, not released).
     */
    void writeDataIndication(byte[] peerAddress, int peerPort, ByteBuf data, int index, int length);

    /** Sends what was queued. */
    void flush();

    /** The allocation of this 5-tuple went away (expired, deleted, listener closed): drop relayed data still queued. */
    void allocationClosed();
}
