package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.Permission;
import io.turngate.turn.RoutePolicy;

import java.net.InetSocketAddress;

/**
 * ChannelData from the client (RFC 8656 §12.6): the data goes to the peer bound to the channel number, if the
 * listener's routes still allow the peer's port and the peer is not the gateway itself; otherwise it is dropped and
 * counted. The transport has framed the message (a whole datagram on UDP, a length-prefixed and padded frame on a
 * stream). Hot path: allocation-free (primitive-keyed channel lookup, cached port ranges, a bit test for own ports).
 *
 * <p>Threading: on the event loop of the allocation table.
 */
public final class ChannelDataHandler {
    private final TurnContext ctx;

    public ChannelDataHandler(TurnContext ctx) {
        this.ctx = ctx;
    }

    /**
     * ChannelData on {@code channelNumber} with {@code dataLength} bytes at {@code dataIndex} of {@code buf}, from the
     * client whose allocation is {@code a} ({@code null}: none). Queued on the relay socket, which goes out at the end
     * of the caller's read batch.
     */
    public void onChannelData(Allocation a, int channelNumber, ByteBuf buf, int dataIndex, int dataLength) {
        if (a == null) {
            ctx.counters.noAllocation();
            return;
        }
        // §12.6: a channel number that is not bound is discarded.
        ChannelBinding binding = a.channel(channelNumber);
        if (binding == null) {
            ctx.counters.unboundChannel();
            return;
        }
        InetSocketAddress peer = binding.peer();
        Permission perm = binding.permission();
        int port = peer.getPort();
        RoutePolicy policy = ctx.listener.policy();
        if (!perm.allows(policy, port)) {
            ctx.counters.peerPortDenied();
            return;
        }
        if (perm.local() && ctx.self.isOwnPort(port)) {
            ctx.counters.selfPeerDenied();
            return;
        }
        perm.relay().send(buf, dataIndex, dataLength, peer);
        ctx.counters.relayed(policy, perm, true, dataLength);
    }
}
