package io.turngate.turn.handler;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.TurnFailure;

import java.util.concurrent.TimeUnit;

/** Refresh (RFC 8656 §8.2): a new lifetime for the client's allocation; LIFETIME 0 deletes it. */
final class RefreshHandler {
    private final TurnContext ctx;
    private final Responses responses;
    private final Admission admission;
    private final AllocationLifecycle lifecycle;

    RefreshHandler(TurnContext ctx, Responses responses, Admission admission, AllocationLifecycle lifecycle) {
        this.ctx = ctx;
        this.responses = responses;
        this.admission = admission;
        this.lifecycle = lifecycle;
    }

    void handle(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who) throws TurnFailure {
        // §8.2 (and §5): the 5-tuple's allocation, created by this user; 437 or 441 otherwise.
        Allocation a = admission.requireAllocation(client, who);
        // §8.2: a REQUESTED-ADDRESS-FAMILY for which the allocation has no relayed address gets 443 (either family
        // of a dual allocation matches). turngate refreshes and deletes a dual allocation as a whole: a family given
        // with LIFETIME 0 deletes both relayed addresses, not only that family's.
        RequestedAddressFamily family = r.message().attribute(RequestedAddressFamily.class);
        if (family != null && (family.family() != RequestedAddressFamily.IPV4
                && family.family() != RequestedAddressFamily.IPV6
                || a.relay(family.family() == RequestedAddressFamily.IPV4) == null)) {
            throw new TurnFailure(Refusal.PEER_ADDRESS_FAMILY_MISMATCH, "REQUESTED-ADDRESS-FAMILY " + family.family()
                    + " is not a family of the allocation's relayed addresses");
        }
        // §8.2: the "desired lifetime"; 0 deletes the allocation, which the response confirms with LIFETIME 0.
        Lifetime lifetime = r.message().attribute(Lifetime.class);
        long granted = lifetime != null && lifetime.seconds() == 0 ? 0
                : Allocation.grantLifetime(lifetime == null ? -1 : lifetime.seconds());
        if (granted == 0) {
            lifecycle.delete(a, "deleted by client");
            ctx.counters.allocationDeleted();
        } else {
            a.setExpiresAtNanos(ctx.nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(granted));
        }
        StunMessage resp = StunMessage.of(StunMethod.REFRESH, StunClass.SUCCESS_RESPONSE, r.message().transactionId(),
                new Lifetime(granted));
        responses.send(resp, who, r.fingerprintPresent(), client);
    }
}
