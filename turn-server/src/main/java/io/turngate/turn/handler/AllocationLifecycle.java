package io.turngate.turn.handler;

import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.turn.Allocation;
import io.turngate.turn.RelaySocket;
import io.turngate.turn.RequestAuthenticator;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * Creating and deleting allocations with everything that goes with it: the table, the gateway's own ports, the
 * quota, the relay socket, the client transport, the counters and the rate-limited log lines; and the periodic
 * sweep of lifetimes (deadlines, not timers).
 */
final class AllocationLifecycle {
    private static final Logger LOG = Logs.get("turn");

    private final TurnContext ctx;

    AllocationLifecycle(TurnContext ctx) {
        this.ctx = ctx;
    }

    /** Enters {@code a} (its relay socket bound, its success response encoded) and starts relaying. */
    void created(Allocation a, long lifetimeSeconds) {
        a.nonceEpoch(ctx.nonceEpochs.current(a.fiveTuple()));
        ctx.allocations.add(a);
        ctx.self.addPort(a.relay().port());
        a.relay().start(a);
        RelaySocket v6 = a.additionalRelay(); // a dual allocation's IPv6 socket: its peers' data arrives there
        if (v6 != null) {
            ctx.self.addPort(v6.port());
            v6.start(a);
        }
        ctx.counters.allocationCreated();
        long suppressed = ctx.listener.allocationLog().acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: allocation created for client {} user {}: relay address {}, lifetime {}s{}",
                    ctx.listener.name(), Logs.hostPort(a.clientAddress()), RequestAuthenticator.printable(a.username()),
                    relayText(a), lifetimeSeconds, LogLimiter.suffix(suppressed));
        }
    }

    /**
     * Deletes {@code a} (nothing if it is gone already): its relay socket closes, its quota goes back, and the nonces
     * of its 5-tuple become stale ({@link io.turngate.turn.NonceEpochs}).
     */
    void delete(Allocation a, String why) {
        if (!ctx.allocations.remove(a)) {
            return;
        }
        ctx.nonceEpochs.advance(a.fiveTuple()); // its nonces die with it: a replay gets 438

        int port = a.relay().port();
        a.relay().close();
        RelaySocket v6 = a.additionalRelay();
        if (v6 != null) {
            v6.close();
        }
        a.client().allocationClosed();
        ctx.self.removePort(port);
        if (v6 != null) {
            ctx.self.removePort(v6.port());
        }
        ctx.listener.releaseAllocation(a.username());
        long lived = ctx.nanoClock.getAsLong() - a.createdAtNanos();
        ctx.counters.allocationClosed(lived);
        long suppressed = ctx.listener.allocationLog().acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: allocation deleted for client {} user {}: relay address {}, {} after {}s{}",
                    ctx.listener.name(), Logs.hostPort(a.clientAddress()), RequestAuthenticator.printable(a.username()),
                    relayText(a), why, TimeUnit.NANOSECONDS.toSeconds(lived),
                    LogLimiter.suffix(suppressed));
        }
    }

    /** The relayed address(es) for the log: {@code 203.0.113.1:50000}, or both of a dual allocation. */
    private static String relayText(Allocation a) {
        String first = Logs.hostPort(a.relayedAddress());
        return a.additionalRelayedAddress() == null ? first
                : first + " and " + Logs.hostPort(a.additionalRelayedAddress());
    }

    /** Expired allocations go; the others drop their expired permissions and channels. */
    void sweep(long nowNanos) {
        for (Allocation a : ctx.allocations.snapshot()) { // a copy: delete() removes from the table
            if (a.isExpired(nowNanos)) {
                delete(a, "expired");
                ctx.counters.allocationExpired();
            } else {
                a.sweep(nowNanos);
            }
        }
    }

    /** Every allocation goes (the listener stopped or restarted). */
    void deleteAll(String why) {
        for (Allocation a : ctx.allocations.snapshot()) {
            delete(a, why);
            ctx.counters.allocationDeleted();
        }
    }
}
