package io.turngate.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.turngate.relay.Indications;
import io.turngate.relay.RelayHandler;
import io.turngate.relay.SegmentBatch;
import io.turngate.relay.UdpRelayPortAllocator;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.handler.ChannelDataHandler;
import io.turngate.turn.handler.PeerDataHandler;
import io.turngate.turn.handler.SendIndicationHandler;
import io.turngate.turn.handler.TurnContext;
import io.turngate.turn.handler.TurnRequestDispatcher;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The TURN core of one shard of a listener ({@link ListenerShard}: a UDP or DTLS socket, a stream listener's event
 * loop), wired once: the {@link TurnContext} (allocation table, auth, counters), the peer-to-client path
 * ({@link PeerDataHandler} behind each relay socket), the relay ports ({@link UdpRelayPortAllocator}), the request
 * dispatcher, and the client-to-peer handlers (Send indications, ChannelData). Every transport builds the same
 * graph; only the relay sockets' event loop and what a transport adds to a relay socket's pipeline differ.
 *
 * @param stats           the shard's counters
 * @param context         the TURN state of the shard
 * @param dispatcher      STUN requests (RFC 8656 methods and Binding)
 * @param sendIndications Send indications from the clients
 * @param channelData     ChannelData from the clients
 */
record TurnCore(SocketStats stats, TurnContext context, TurnRequestDispatcher dispatcher,
                SendIndicationHandler sendIndications, ChannelDataHandler channelData) {

    /** The shard's allocations. */
    AllocationTable allocations() {
        return context.allocations();
    }

    /**
     * Wires the core of one shard.
     *
     * @param loop          the event loop of the shard, asked when a relay socket is bound (a socket handler knows it
     *                      only once added to its channel)
     * @param gso           the GSO switch of the shard's relay sockets
     * @param relaysToFlush the shard's list of relay sockets with datagrams batched for peers
     * @param onRelay       what a transport adds to a new relay socket's pipeline (nothing for UDP and DTLS)
     */
    static TurnCore wire(ListenerRuntime listener, Services services, SocketStats stats, Supplier<EventLoop> loop,
                         SegmentBatch.Gso gso, List<UdpRelaySocket> relaysToFlush, Consumer<Channel> onRelay) {
        TurnContext context = new TurnContext(listener, services.auth, services.unauthenticatedAnswers, services.self,
                services.nanoClock, stats);
        PeerDataHandler peerData = new PeerDataHandler(context);
        UdpRelayPortAllocator relayPorts = new UdpRelayPortAllocator(
                v4 -> services.transport.datagramOptions(new Bootstrap(), UdpRelaySocket.RECEIVE_BUFFER)
                        .group(loop.get())
                        .channelFactory(() -> services.transport.newRelayChannel(v4)),
                ch -> {
                    onRelay.accept(ch);
                    return new UdpRelaySocket(ch, gso, relaysToFlush, a -> new RelayHandler(peerData, a, stats));
                },
                services.reservations, services.self, services.nanoClock, stats);
        return new TurnCore(stats, context, new TurnRequestDispatcher(context, relayPorts),
                new SendIndicationHandler(context, new Indications()), new ChannelDataHandler(context));
    }
}
