package io.turngate.turn.handler;

import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.turn.Allocation;
import io.turngate.turn.AllocationTable;
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

    /** A pass of the sweep over the whole table starts at most this often (deadlines have 1 s resolution). */
    static final long PASS_INTERVAL_NANOS = 1_000_000_000L;
    /** Where the next slice of the sweep starts in the table's dense array ({@code AllocationTable#at}). */
    private int sweepCursor;
    /** Allocations the current pass has still to look at (the table's size when it started); 0: between passes. */
    private int passRemaining;
    private long passStartedAtNanos;
    private boolean passStarted;

    /**
     * One slice of the sweep: at most {@code budget} allocations, from where the last slice ended (wrapping at the
     * end of the table). A pass looks at every allocation once and starts at most once per
     * {@link #PASS_INTERVAL_NANOS}: a small table is swept once a second, as by one walk of it, and a large one in
     * slices spread over as many calls as it takes. Expired ones go; the others drop their expired permissions and channels. Deleting the
     * allocation at the cursor moves the table's last one there, which is looked at next, so a pass misses none
     * (one the slice already saw may be looked at twice, which is harmless).
     * Returns how many allocations it looked at.
     */
    int sweep(long nowNanos, int budget) {
        AllocationTable table = ctx.allocations;
        int i = sweepCursor;
        if (passRemaining == 0) {
            if (passStarted && nowNanos - passStartedAtNanos < PASS_INTERVAL_NANOS) {
                return 0;
            }
            passStarted = true;
            passStartedAtNanos = nowNanos;
            passRemaining = table.size();
        }
        int limit = Math.min(Math.min(budget, passRemaining), table.size());
        int visited = 0;
        while (visited < limit && table.size() > 0) {
            if (i >= table.size()) {
                i = 0;
            }
            Allocation a = table.at(i);
            visited++;
            if (a.isExpired(nowNanos)) {
                delete(a, "expired"); // the last allocation moves to i
                ctx.counters.allocationExpired();
            } else {
                a.sweep(nowNanos);
                i++;
            }
        }
        sweepCursor = i;
        passRemaining = table.size() == 0 ? 0 : passRemaining - visited;
        return visited;
    }

    /** Every allocation goes (the listener stopped or restarted). */
    void deleteAll(String why) {
        for (Allocation a : ctx.allocations.snapshot()) {
            delete(a, why);
            ctx.counters.allocationDeleted();
        }
    }
}
