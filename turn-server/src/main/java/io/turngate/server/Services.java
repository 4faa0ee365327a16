package io.turngate.server;

import io.netty.channel.Channel;
import io.turngate.turn.RequestAuthenticator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What every listener socket shares: authentication, the gateway's own addresses, allocation accounting, relay
 * port reservations and the clock. Everything here is thread-safe.
 */
final class Services {
    final RequestAuthenticator auth;
    final SelfAddresses self;
    final LongSupplier nanoClock;
    final Transport transport;
    final AtomicInteger allocations = new AtomicInteger();
    final ConcurrentHashMap<String, AtomicInteger> allocationsPerUser = new ConcurrentHashMap<>();
    /** RESERVATION-TOKEN → reserved relay socket (RFC 8656 §7.2, EVEN-PORT with R bit). */
    final ConcurrentHashMap<Long, Reservation> reservations = new ConcurrentHashMap<>();
    /** Whether listener sockets coalesce bursts into UDP GSO sends ({@link io.turngate.relay.SegmentBatch}). */
    final boolean gso;
    volatile int userQuota;

    Services(RequestAuthenticator auth, SelfAddresses self, LongSupplier nanoClock, Transport transport, boolean gso) {
        this.auth = auth;
        this.self = self;
        this.nanoClock = nanoClock;
        this.transport = transport;
        this.gso = gso;
    }

    /** Counts an allocation for {@code user}; false when {@code admin.user_quota} is reached. */
    boolean acquireQuota(String user) {
        AtomicInteger n = allocationsPerUser.computeIfAbsent(user, u -> new AtomicInteger());
        int quota = userQuota;
        while (true) {
            int cur = n.get();
            if (quota > 0 && cur >= quota) {
                return false;
            }
            if (n.compareAndSet(cur, cur + 1)) {
                allocations.incrementAndGet();
                return true;
            }
        }
    }

    void releaseQuota(String user) {
        allocations.decrementAndGet();
        AtomicInteger n = allocationsPerUser.get(user);
        if (n != null && n.decrementAndGet() <= 0) {
            allocationsPerUser.remove(user, n);
        }
    }

    /** A relay socket bound to an odd port kept for the RTCP allocation that will present the token. */
    record Reservation(Channel channel, int port, long expiresAtNanos) {
    }
}
