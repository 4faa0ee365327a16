package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.turngate.turn.Allocation;
import io.turngate.turn.Permission;
import io.turngate.turn.RoutePolicy;

/**
 * A Send indication from the client (RFC 8656 §11.2): the DATA goes to the XOR-PEER-ADDRESS if the allocation has a
 * permission for the peer's IP and the listener's routes still allow its port; otherwise it is dropped and counted
 * (an indication is never answered). Hot path: allocation-free (the reader keeps offsets, the permission lookups
 * are primitive-keyed, the peer's socket address is cached per permission).
 *
 * <p>Threading: on the event loop of the allocation table.
 */
public final class SendIndicationHandler {
    private final TurnContext ctx;
    private final SendIndicationReader reader;

    public SendIndicationHandler(TurnContext ctx, SendIndicationReader reader) {
        this.ctx = ctx;
        this.reader = reader;
    }

    /**
     * The Send indication of {@code length} bytes at {@code offset} of {@code buf} from the client whose allocation
     * is {@code a} ({@code null}: none). The data is queued on the relay socket, which goes out at the end of the
     * caller's read batch.
     */
    public void onSendIndication(Allocation a, ByteBuf buf, int offset, int length) {
        SendIndicationReader in = reader;
        if (!in.parseSend(buf, offset, length) || in.unknownRequired() > 0) {
            ctx.counters.indicationDropped();
            return;
        }
        if (a == null) {
            ctx.counters.noAllocation();
            return;
        }
        // §11.2: no permission for the peer's IP (§9): discard. Embedded IPv4 forms are found as the IPv4 peer.
        Permission perm;
        if (in.peerFamily() == 4) {
            perm = a.permissionV4(in.peerIpv4());
        } else {
            perm = a.permissionV6(in.peerIpv6High(), in.peerIpv6Low());
        }
        if (perm == null) {
            ctx.counters.noPermission();
            return;
        }
        int port = in.peerPort();
        RoutePolicy policy = ctx.listener.policy();
        if (!perm.allows(policy, port)) {
            ctx.counters.peerPortDenied();
            return;
        }
        if (perm.local() && ctx.self.isOwnPort(port)) {
            ctx.counters.selfPeerDenied();
            return;
        }
        int dataLength = in.dataLength();
        perm.relay().send(buf, in.dataOffset(), dataLength, perm.socketAddress(port));
        ctx.counters.relayed(policy, perm, true, dataLength);
    }
}
