package io.turngate.turn.handler;

import io.turngate.log.Logs;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnFailure;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * ChannelBind (RFC 8656 §12.2): binds or refreshes a channel number to a peer transport address (600 s) and
 * installs or refreshes the permission it implies.
 */
final class ChannelBindHandler {
    private final TurnContext ctx;
    private final Responses responses;
    private final Admission admission;

    ChannelBindHandler(TurnContext ctx, Responses responses, Admission admission) {
        this.ctx = ctx;
        this.responses = responses;
        this.admission = admission;
    }

    void handle(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who) throws TurnFailure {
        Allocation a = admission.requireAllocation(client, who);
        // §12.2: CHANNEL-NUMBER and XOR-PEER-ADDRESS present, the number in range (400 otherwise).
        ChannelNumber number = r.message().attribute(ChannelNumber.class);
        XorPeerAddress peer = r.message().attribute(XorPeerAddress.class);
        if (number == null || peer == null) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "ChannelBind without CHANNEL-NUMBER or XOR-PEER-ADDRESS");
        }
        if (!ChannelBinding.isValidNumber(number.number())) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "channel number 0x" + Integer.toHexString(number.number())
                    + " (expected: 0x4000..0x7FFF)");
        }
        // §12.2: the peer in the relay's family (443) and allowed by the server's policy (403).
        InetSocketAddress admitted = admission.admitPeer(a, peer.address(), client);
        // turngate: a binding's data would be dropped per packet anyway, so refuse the ports now (CreatePermission
        // stays IP-only, as STUNner's §1c.2 admission rule says).
        InetAddress ip = admitted.getAddress();
        int port = admitted.getPort();
        if (!RoutePolicy.portAllowed(ctx.listener.policy().portRanges(ip), port)) {
            throw new TurnFailure(Refusal.PEER_PORT_NOT_ROUTED, "peer " + Logs.hostPort(admitted)
                    + ": port not in the route's port range on listener " + ctx.listener.name());
        }
        boolean local = ctx.self.isLocal(ip);
        if (local && ctx.self.isOwnPort(port)) {
            throw new TurnFailure(Refusal.PEER_OWN_PORT, "peer " + Logs.hostPort(admitted)
                    + " is one of the gateway's own listener or relay ports");
        }
        // §12.2: the number bound to another peer, or the peer to another number: 400 (Allocation.bindChannel).
        a.bindChannel(number.number(), admitted, local, ctx.nanoClock.getAsLong());
        responses.send(StunMessage.of(StunMethod.CHANNEL_BIND, StunClass.SUCCESS_RESPONSE,
                r.message().transactionId()), who, r.fingerprintPresent(), client);
    }
}
