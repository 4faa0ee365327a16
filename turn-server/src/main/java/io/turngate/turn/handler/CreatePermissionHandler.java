package io.turngate.turn.handler;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.TurnFailure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * CreatePermission (RFC 8656 §10.2): installs or refreshes a permission (§9, 300 s) for the IP of every
 * XOR-PEER-ADDRESS; all of them are admitted or none is installed.
 */
final class CreatePermissionHandler {
    private final TurnContext ctx;
    private final Responses responses;
    private final Admission admission;

    CreatePermissionHandler(TurnContext ctx, Responses responses, Admission admission) {
        this.ctx = ctx;
        this.responses = responses;
        this.admission = admission;
    }

    void handle(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who) throws TurnFailure {
        Allocation a = admission.requireAllocation(client, who);
        // §10.2: at least one XOR-PEER-ADDRESS (400 otherwise).
        List<XorPeerAddress> peers = r.message().attributes(XorPeerAddress.class);
        if (peers.isEmpty()) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "no XOR-PEER-ADDRESS");
        }
        // §10.2: each peer in the relay's family (443) and allowed by the server's policy (403); any refusal fails
        // the whole request.
        List<InetSocketAddress> admitted = new ArrayList<>(peers.size());
        for (XorPeerAddress p : peers) {
            admitted.add(admission.admitPeer(a, p.address(), client));
        }
        long now = ctx.nanoClock.getAsLong();
        for (InetSocketAddress p : admitted) {
            a.permit(p.getAddress(), ctx.self.isLocal(p.getAddress()), now);
        }
        responses.send(StunMessage.of(StunMethod.CREATE_PERMISSION, StunClass.SUCCESS_RESPONSE,
                r.message().transactionId()), who, r.fingerprintPresent(), client);
    }
}
