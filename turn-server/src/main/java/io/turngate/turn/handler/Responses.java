package io.turngate.turn.handler;

import io.turngate.stun.ErrorCode;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;

import java.util.ArrayList;
import java.util.List;

/**
 * The answers of the TURN core (pion's {@code buildAndSendErr}): success responses, and error responses whose code
 * comes from the {@link Refusal} table only. Nothing is flushed here; the transport flushes at the end of its read
 * batch, the handlers after work that completes outside one.
 */
final class Responses {
    private final TurnContext ctx;

    Responses(TurnContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Answers a refused request with {@code refusal}'s error code (counted). Answers to clients that have not
     * authenticated obey the per-source rate limit ({@link TurnContext#unauthenticatedAnswers}): over it they are
     * dropped and counted instead. A challenge (401, 438: {@link Refusal#challenges}) carries REALM, a fresh NONCE
     * and PASSWORD-ALGORITHMS (RFC 8489 §9.2.4) and no integrity; any other error after authentication is signed
     * like the success would have been.
     *
     * @param who   the authenticated user, {@code null} before authentication succeeded
     * @param extra one more attribute (UNKNOWN-ATTRIBUTES of a 420), or {@code null}
     */
    void error(ReceivedStun r, ClientTransport to, Refusal refusal, RequestAuthenticator.Authenticated who,
               StunAttribute extra) {
        ctx.counters.refused(refusal);
        if (who == null && (refusal.unauthenticated() || refusal == Refusal.UNKNOWN_COMPREHENSION_REQUIRED)
                && !ctx.unauthenticatedAnswers.tryAcquire(to.remoteAddress().getAddress())) {
            ctx.counters.answerRateLimited();
            return;
        }
        ErrorCode code = refusal.errorCode();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new ErrorCodeAttribute(code.code(), code.reason()));
        if (extra != null) {
            attrs.add(extra);
        }
        if (refusal.challenges()) {
            attrs.addAll(ctx.auth.challenge(to.remoteAddress(), ctx.nonceEpoch(to)));
            who = null;
        }
        StunMessage m = r.message();
        send(new StunMessage(m.method(), StunClass.ERROR_RESPONSE, m.transactionId(), attrs), who,
                r.fingerprintPresent(), to);
    }

    /**
     * Encodes {@code m} signed for {@code who} (with the integrity attribute its request was verified with, RFC 8489
     * §9.2.4; unsigned if null), FINGERPRINT if asked, and queues it.
     */
    void send(StunMessage m, RequestAuthenticator.Authenticated who, boolean fingerprint, ClientTransport to) {
        to.sendResponse(who == null ? StunCodec.encode(m, to.alloc(), null, fingerprint)
                : StunCodec.encode(m, to.alloc(), who.key(), who.integrity(), fingerprint));
    }
}
