package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Permission;
import io.turngate.turn.RoutePolicy;

import java.net.InetSocketAddress;

/**
 * A datagram from a peer on an allocation's relay socket (RFC 8656 §11.3, §12.7): relayed to the client as
 * ChannelData when a channel is bound to the peer's transport address, as a Data indication otherwise, if the
 * allocation has a permission for the peer's IP and the listener's routes still allow its port; dropped and
 * counted otherwise. The client's transport frames it and batches it until the relay socket's read batch ends
 * ({@link #onPeerReadComplete}). Hot path: allocation-free.
 *
 * <p>Threading: on the event loop of the allocation (the relay socket is registered on it).
 */
public final class PeerDataHandler {
    private final TurnContext ctx;

    public PeerDataHandler(TurnContext ctx) {
        this.ctx = ctx;
    }

    /** {@code data} (readable bytes, not consumed, not released) from {@code peer} on {@code a}'s relay socket. */
    public void onPeerDatagram(Allocation a, ByteBuf data, InetSocketAddress peer) {
        int length = data.readableBytes();
        // §11.3: no permission for the peer's IP: discard.
        Permission perm = a.permission(peer.getAddress());
        if (perm == null) {
            ctx.counters.noPermission();
            return;
        }
        RoutePolicy policy = ctx.listener.policy();
        if (!perm.allows(policy, peer.getPort())) {
            ctx.counters.peerPortDenied();
            return;
        }
        ctx.counters.relayed(policy, perm, false, length);
        ChannelBinding binding = a.channelForPeer(peer);
        ClientTransport client = a.client();
        if (binding != null) {
            client.writeChannelData(binding.number(), data, data.readerIndex(), length);
        } else {
            client.writeDataIndication(perm.peerBytes(), peer.getPort(), data, data.readerIndex(), length);
        }
    }

    /** The relay socket of {@code a} ended a read batch: what it relayed goes out to the client now. */
    public void onPeerReadComplete(Allocation a) {
        a.client().flush();
    }

    /** A bug met while relaying a datagram from {@code peer}: counted and logged; the relay socket stays open. */
    public void handlerError(RuntimeException e, InetSocketAddress peer) {
        ctx.handlerError(e, peer);
    }
}
