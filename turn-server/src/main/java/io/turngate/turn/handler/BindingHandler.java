package io.turngate.turn.handler;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.turn.ClientTransport;

/**
 * Binding (RFC 8489 §6.3.1, §7.3): the client's transport address as this server sees it, in XOR-MAPPED-ADDRESS.
 * No authentication (stunner-compat §1c.7: STUNner answers Binding on every listener, whatever its auth type).
 */
final class BindingHandler {
    private final Responses responses;

    BindingHandler(Responses responses) {
        this.responses = responses;
    }

    void handle(ReceivedStun r, ClientTransport client) {
        StunMessage resp = StunMessage.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, r.message().transactionId(),
                new XorMappedAddress(client.remoteAddress()));
        responses.send(resp, null, r.fingerprintPresent(), client);
    }
}
