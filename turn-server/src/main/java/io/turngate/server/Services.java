package io.turngate.server;

import io.turngate.relay.UdpRelayPortAllocator;
import io.turngate.turn.Refusal;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What every listener socket shares: authentication, the gateway's own addresses, allocation accounting and limits,
 * the rate limit of unauthenticated answers, relay port reservations and the clock. Everything here is thread-safe.
 */
final class Services {
    final RequestAuthenticator auth;
    final SelfAddresses self;
    final LongSupplier nanoClock;
    final Transport transport;
    final SourceRateLimiter unauthenticatedAnswers;
    final AtomicInteger allocations = new AtomicInteger();
    final ConcurrentHashMap<String, AtomicInteger> allocationsPerUser = new ConcurrentHashMap<>();
    /** RESERVATION-TOKEN → reserved relay socket (RFC 8656 §7.2, EVEN-PORT with R bit). */
    final UdpRelayPortAllocator.Reservations reservations = new UdpRelayPortAllocator.Reservations();
    /** Whether listener sockets coalesce bursts into UDP GSO sends ({@link io.turngate.relay.SegmentBatch}). */
    final boolean gso;
    /** {@code --max-allocations} over all listeners and {@code --max-allocations-per-listener}; 0 = no limit. */
    final int maxAllocations;
    final int maxAllocationsPerListener;
    volatile int userQuota;

    Services(RequestAuthenticator auth, SelfAddresses self, LongSupplier nanoClock, Transport transport, boolean gso,
             SourceRateLimiter unauthenticatedAnswers, int maxAllocations, int maxAllocationsPerListener) {
        this.auth = auth;
        this.self = self;
        this.nanoClock = nanoClock;
        this.transport = transport;
        this.gso = gso;
        this.unauthenticatedAnswers = unauthenticatedAnswers;
        this.maxAllocations = maxAllocations;
        this.maxAllocationsPerListener = maxAllocationsPerListener;
    }

    /**
     * Counts an allocation of {@code user} on {@code listener}, or says which limit refuses it: the gateway's or the
     * listener's allocation cap ({@link Refusal#ALLOCATION_LIMIT}, 508) or {@code admin.user_quota}
     * ({@link Refusal#QUOTA_REACHED}, 486).
     *
     * @return {@code null} when counted (release with {@link #release})
     */
    Refusal acquire(String user, ListenerRuntime listener) {
        if (!take(allocations, maxAllocations)) {
            return Refusal.ALLOCATION_LIMIT;
        }
        if (!take(listener.allocations, maxAllocationsPerListener)) {
            allocations.decrementAndGet();
            return Refusal.ALLOCATION_LIMIT;
        }
        AtomicInteger n = allocationsPerUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (!take(n, userQuota)) {
            listener.allocations.decrementAndGet();
            allocations.decrementAndGet();
            return Refusal.QUOTA_REACHED;
        }
        return null;
    }

    private static boolean take(AtomicInteger n, int limit) {
        while (true) {
            int cur = n.get();
            if (limit > 0 && cur >= limit) {
                return false;
            }
            if (n.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    void release(String user, ListenerRuntime listener) {
        allocations.decrementAndGet();
        listener.allocations.decrementAndGet();
        AtomicInteger n = allocationsPerUser.get(user);
        if (n != null && n.decrementAndGet() <= 0) {
            allocationsPerUser.remove(user, n);
        }
    }
}
