package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.turngate.log.Logs;
import io.turngate.stun.ErrorCode;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMessageType;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.UnknownAttributes;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.TurnFailure;

import java.util.List;

import org.slf4j.Logger;

/**
 * The STUN side of the TURN core for one allocation table, whatever the client's transport: decodes a STUN message
 * (RFC 8489 §6.3), drops what a server does not act on, answers 420 for unknown comprehension-required attributes,
 * authenticates (RFC 8489 §9.2, STUNner's codes) and hands each request to the handler of its method:
 *
 * <pre>
 *   Binding           → BindingHandler           RFC 8489 §6.3.1   (no authentication)
 *   Allocate          → AllocateHandler          RFC 8656 §7.2
 *   Refresh           → RefreshHandler           RFC 8656 §8.2
 *   CreatePermission  → CreatePermissionHandler  RFC 8656 §10.2
 *   ChannelBind       → ChannelBindHandler       RFC 8656 §12.2
 *   anything else     → 400 (turngate_dropped_datagrams{kind="unknown_method"})
 * </pre>
 *
 * A handler refuses by throwing {@link TurnFailure}; the dispatcher answers it with the error code the
 * {@link Refusal} table gives (pion's {@code buildAndSendErr}) and logs the detail at DEBUG. Send indications are
 * data, not requests: the transport gives them to the {@link SendIndicationHandler} before decoding anything.
 *
 * <p>Threading: on the event loop of the allocation table; nothing is flushed inside the caller's read batch.
 */
public final class TurnRequestDispatcher {
    private static final Logger LOG = Logs.get("turn");

    private final TurnContext ctx;
    private final RelayPortAllocator relayPorts;
    private final Responses responses;
    private final AllocationLifecycle lifecycle;
    /** Allocations the sweep looks at per second (see {@link #sweep}). */
    static final int SWEEP_RATE_PER_SECOND = 10_000;
    /** Fewest allocations one sweep call looks at, however soon after the previous one it comes. */
    static final int MIN_SWEEP_SLICE = 16;
    private static final long SECOND_NANOS = 1_000_000_000L;
    private long sweptAtNanos = Long.MIN_VALUE;
    private long reservationsSweptAtNanos = Long.MIN_VALUE;
    private final BindingHandler binding;
    private final AllocateHandler allocate;
    private final RefreshHandler refresh;
    private final CreatePermissionHandler createPermission;
    private final ChannelBindHandler channelBind;

    public TurnRequestDispatcher(TurnContext ctx, RelayPortAllocator relayPorts) {
        this.ctx = ctx;
        this.relayPorts = relayPorts;
        this.responses = new Responses(ctx);
        this.lifecycle = new AllocationLifecycle(ctx);
        Admission admission = new Admission(ctx);
        this.binding = new BindingHandler(responses);
        this.allocate = new AllocateHandler(ctx, responses, lifecycle, relayPorts);
        this.refresh = new RefreshHandler(ctx, responses, admission, lifecycle);
        this.createPermission = new CreatePermissionHandler(ctx, responses, admission);
        this.channelBind = new ChannelBindHandler(ctx, responses, admission);
    }

    /**
     * A STUN message of {@code length} bytes at {@code offset} of {@code buf} (its header checked with
     * {@code StunHeader.isStun}, not a Send indication) from {@code client}. Answers are queued on {@code client};
     * the caller flushes at the end of its read batch. {@code buf} is neither consumed nor released.
     */
    public void onStun(ClientTransport client, ByteBuf buf, int offset, int length) {
        ReceivedStun received;
        try {
            received = StunCodec.decode(buf.slice(offset, length));
        } catch (StunCodecException e) {
            if (e.reason() == StunCodecException.Reason.BAD_FINGERPRINT) {
                ctx.counters.badFingerprint();
            } else {
                ctx.counters.malformed();
            }
            LOG.debug("listener {}: malformed STUN from {}: {}", ctx.listener.name(),
                    Logs.hostPort(client.remoteAddress()), e.getMessage());
            answerMalformedRequest(e, client);
            return;
        }
        StunMessage msg = received.message();
        if (msg.messageClass() == StunClass.INDICATION) {
            ctx.counters.indicationDropped(); // only Send is meaningful to a server (RFC 8656 §11)
            return;
        }
        if (msg.messageClass() != StunClass.REQUEST) {
            ctx.counters.responseDropped();
            return;
        }
        RequestAuthenticator.Authenticated who = null;
        try {
            // RFC 8489 §6.3.1: unknown comprehension-required attributes get 420 with UNKNOWN-ATTRIBUTES.
            List<Integer> unknown = msg.unknownComprehensionRequired();
            if (!unknown.isEmpty()) {
                ctx.counters.unknownAttributes();
                responses.error(received, client, Refusal.UNKNOWN_COMPREHENSION_REQUIRED, null,
                        new UnknownAttributes(unknown));
                return;
            }
            switch (msg.method()) {
                case StunMethod.BINDING:
                    binding.handle(received, client);
                    return;
                case StunMethod.ALLOCATE:
                    who = authenticate(received, client);
                    allocate.handle(received, client, who);
                    return;
                case StunMethod.REFRESH:
                    who = authenticate(received, client);
                    refresh.handle(received, client, who);
                    return;
                case StunMethod.CREATE_PERMISSION:
                    who = authenticate(received, client);
                    createPermission.handle(received, client, who);
                    return;
                case StunMethod.CHANNEL_BIND:
                    who = authenticate(received, client);
                    channelBind.handle(received, client, who);
                    return;
                default:
                    ctx.counters.unknownMethod();
                    throw new TurnFailure(Refusal.UNSUPPORTED_METHOD, "unknown method 0x"
                            + Integer.toHexString(msg.method()));
            }
        } catch (TurnFailure f) {
            responses.error(received, client, f.refusal(), who, null);
            if (LOG.isDebugEnabled()) {
                LOG.debug("listener {}: {} from {} refused with {}: {}", ctx.listener.name(),
                        StunMethod.name(msg.method()), Logs.hostPort(client.remoteAddress()),
                        f.refusal().errorCode().code(), f.detail());
            }
        }
    }

    /**
     * RFC 8489 §9.2.4 with STUNner's codes ({@link RequestAuthenticator}); the nonce must be of the 5-tuple's current
     * allocation epoch ({@link io.turngate.turn.NonceEpochs}).
     */
    private RequestAuthenticator.Authenticated authenticate(ReceivedStun r, ClientTransport client)
            throws TurnFailure {
        return ctx.auth.authenticate(r, client.remoteAddress(), ctx.nonceEpoch(client));
    }

    /**
     * RFC 8489 §6.3.1: a request whose header is sound but whose attributes are malformed gets 400; anything else
     * malformed (bad header, bad FINGERPRINT, responses, indications) is silently dropped.
     */
    private void answerMalformedRequest(StunCodecException e, ClientTransport client) {
        if (e.transactionId() == null || e.messageType() < 0
                || StunMessageType.messageClass(e.messageType()) != StunClass.REQUEST
                || e.reason() == StunCodecException.Reason.BAD_FINGERPRINT) {
            return;
        }
        if (!ctx.unauthenticatedAnswers.tryAcquire(client.remoteAddress().getAddress())) {
            ctx.counters.answerRateLimited();
            return;
        }
        ErrorCode code = Refusal.BAD_REQUEST.errorCode();
        responses.send(StunMessage.of(StunMessageType.method(e.messageType()),
                StunClass.ERROR_RESPONSE, e.transactionId(), new ErrorCodeAttribute(code.code(), code.reason())),
                null, false, client);
    }

    /**
     * The periodic sweep (deadlines, not timers): expired allocations, permissions and channels, and reservations.
     * One call is one event-loop task, and its work does not grow with the table: it looks at
     * {@value #SWEEP_RATE_PER_SECOND} allocations per second since the previous call (at most a second's worth,
     * {@value #SWEEP_RATE_PER_SECOND}, and at least {@value #MIN_SWEEP_SLICE}), continuing where the previous call
     * stopped. A pass over the whole table starts at most once a second. A caller that sweeps every 20 ms looks at
     * at most about 200 allocations per task, so a sweep never holds the loop's datagrams for long; a deadline is
     * then noticed within 1 s or {@code size / } {@value #SWEEP_RATE_PER_SECOND} seconds, whichever is longer, plus
     * the caller's interval (1 s up to 10,000 allocations on one loop). Reservations (a few, shared by every loop)
     * are swept at most once a second.
     */
    public void sweep() {
        long now = ctx.nanoClock.getAsLong();
        long elapsed = sweptAtNanos == Long.MIN_VALUE ? SECOND_NANOS : Math.max(0, now - sweptAtNanos);
        sweptAtNanos = now;
        sweep(now, (int) Math.max(MIN_SWEEP_SLICE, Math.min(SWEEP_RATE_PER_SECOND,
                elapsed * SWEEP_RATE_PER_SECOND / SECOND_NANOS)));
    }

    /** {@link #sweep()} at {@code now}, looking at at most {@code budget} allocations; returns how many it did. */
    int sweep(long now, int budget) {
        int visited = lifecycle.sweep(now, budget);
        if (reservationsSweptAtNanos == Long.MIN_VALUE || now - reservationsSweptAtNanos >= SECOND_NANOS) {
            reservationsSweptAtNanos = now;
            relayPorts.sweep(now);
        }
        return visited;
    }

    /**
     * The transport of the client with the 5-tuple {@code fiveTuple} is gone (a TCP or TLS connection closed, a DTLS
     * session ended): its allocation goes (the 5-tuple can never be used again), and so does an Allocate in
     * progress for it.
     */
    public void clientClosed(Object fiveTuple, String why) {
        Allocation a = ctx.allocations.get(fiveTuple);
        if (a != null) {
            lifecycle.delete(a, why);
            ctx.counters.allocationDeleted();
        }
        allocate.abandon(fiveTuple);
    }

    /** The listener stopped or restarted: every allocation of this table goes, and every Allocate in progress. */
    public void closeAll(String why) {
        lifecycle.deleteAll(why);
        allocate.abandonPending();
    }
}
