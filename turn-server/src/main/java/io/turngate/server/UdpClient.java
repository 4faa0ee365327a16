package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.relay.SegmentBatch;
import io.turngate.turn.ClientTransport;

import java.net.InetSocketAddress;

/**
 * One client of a UDP listener socket, as the TURN core's {@link ClientTransport}: its 5-tuple is its sender address
 * on that socket. Responses go out as datagrams at the end of the socket's read batch; relayed data to the client is
 * batched per read batch of the relay socket it came from ({@link SegmentBatch}: one UDP GSO send for a same-size
 * burst) and written when that batch ends.
 *
 * <p>Threading: on the listener socket's event loop.
 */
final class UdpClient implements ClientTransport {
    private final ListenerSocketHandler socket;
    private final InetSocketAddress address;
    /** Datagrams to the client of the current relay-socket read batch. */
    private final SegmentBatch toClient;

    UdpClient(ListenerSocketHandler socket, InetSocketAddress address, SegmentBatch.Gso gso) {
        this.socket = socket;
        this.address = address;
        this.toClient = new SegmentBatch(gso);
    }

    @Override
    public Object fiveTuple() {
        return address;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return address;
    }

    @Override
    public ByteBufAllocator alloc() {
        return socket.channel().alloc();
    }

    @Override
    public void sendResponse(ByteBuf message) {
        socket.sendDatagram(message, address);
    }

    @Override
    public void writeChannelData(int channelNumber, ByteBuf data, int index, int length) {
        int size = ChannelData.HEADER_LENGTH + length;
        ByteBuf out = next(size);
        ChannelData.writeHeader(out, channelNumber, length);
        out.writeBytes(data, index, length);
        socket.sentToClient(size);
    }

    @Override
    public void writeDataIndication(byte[] peerAddress, int peerPort, ByteBuf data, int index, int length) {
        int size = Indications.dataIndicationLength(peerAddress.length == 4 ? 4 : 6, length);
        ByteBuf out = next(size);
        Indications.writeDataIndication(out, peerAddress, peerPort, data, index, length);
        socket.sentToClient(size);
    }

    private ByteBuf next(int size) {
        SegmentBatch batch = toClient;
        if (batch.pending() == 0) { // the first datagram of this relay-socket read for this client
            socket.queuedForClient(this);
        }
        return batch.next(socket.channel(), address, size);
    }

    /** Writes the batched datagrams to {@code listener} (not flushed). */
    void writeQueued(Channel listener) {
        toClient.flush(listener);
    }

    @Override
    public void flush() {
        socket.flushClients();
    }

    @Override
    public void allocationClosed() {
        toClient.discard();
    }

    @Override
    public String toString() {
        return "UdpClient[" + address + "]";
    }
}
