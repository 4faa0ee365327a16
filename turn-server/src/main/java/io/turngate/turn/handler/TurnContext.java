package io.turngate.turn.handler;

import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.turn.Allocation;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.NonceEpochs;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;
import io.turngate.turn.TurnCounters;
import io.turngate.turn.TurnListener;

import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * What the TURN core of one listener on one event loop works with: the listener, the gateway-wide authenticator,
 * rate limit of unauthenticated answers, own addresses and clock, the counters of the transport that owns the core,
 * and the allocation table of that listener on that loop. A transport builds one per table (a UDP listener socket;
 * a stream listener per event loop) and hands it to the {@link TurnRequestDispatcher} and the data-path handlers.
 *
 * <p>Threading: the table and the counters belong to one event loop; the rest is thread-safe.
 */
public final class TurnContext {
    private static final Logger LOG = Logs.get("turn");

    final TurnListener listener;
    final RequestAuthenticator auth;
    final SourceRateLimiter unauthenticatedAnswers;
    final SelfAddresses self;
    final LongSupplier nanoClock;
    final TurnCounters counters;
    final AllocationTable allocations = new AllocationTable();
    final NonceEpochs nonceEpochs = new NonceEpochs();

    /**
     * @param unauthenticatedAnswers the per-source limit of answers to clients that have not authenticated (401,
     *                               438, the 400s of the auth path, 420), shared by every listener
     * @param self                   the gateway's own addresses and ports (never a peer)
     * @param nanoClock              the clock of every deadline
     */
    public TurnContext(TurnListener listener, RequestAuthenticator auth, SourceRateLimiter unauthenticatedAnswers,
                       SelfAddresses self, LongSupplier nanoClock, TurnCounters counters) {
        this.listener = listener;
        this.auth = auth;
        this.unauthenticatedAnswers = unauthenticatedAnswers;
        this.self = self;
        this.nanoClock = nanoClock;
        this.counters = counters;
    }

    /**
     * The epoch the nonces of {@code client} are bound to: its allocation's, or its 5-tuple's current one if it has
     * none ({@link NonceEpochs}).
     */
    int nonceEpoch(ClientTransport client) {
        Allocation a = allocations.get(client.fiveTuple());
        return a != null ? a.nonceEpoch() : nonceEpochs.current(client.fiveTuple());
    }

    /** The allocations of this listener on this event loop. */
    public AllocationTable allocations() {
        return allocations;
    }

    public TurnListener listener() {
        return listener;
    }

    public TurnCounters counters() {
        return counters;
    }

    /**
     * A bug met while handling one message from {@code from}: counted and logged (rate-limited), and the transport
     * keeps serving (Netty QOTM, style note "Error handling" 4).
     */
    public void handlerError(RuntimeException e, InetSocketAddress from) {
        counters.handlerError();
        long suppressed = listener.errorLog().acquire();
        if (suppressed >= 0) {
            LOG.warn("listener {}: error handling a datagram from {}{}", listener.name(), Logs.hostPort(from),
                    LogLimiter.suffix(suppressed), e);
        }
    }
}
