package io.turngate.turn;

import io.turngate.log.LogLimiter;

import java.net.InetAddress;

/**
 * The listener a TURN core serves, as the core sees it: its name (for logs), the relay address it advertises, its
 * route policy (a snapshot swapped by reconciliation and read per packet), the limiters of its per-request log lines,
 * and the admission of new allocations against the gateway's caps and the user quota. The same for every transport.
 *
 * <p>Threading: every method may be called from any event loop; implementations are thread-safe.
 */
public interface TurnListener {
    /** The listener's name, as in the config. */
    String name();

    /**
     * The address advertised in XOR-RELAYED-ADDRESS (with the relay socket's port) for an Allocate without
     * REQUESTED-ADDRESS-FAMILY: its family is the allocation's default family.
     */
    InetAddress relayAddress();

    /**
     * The address advertised for a relayed address of the family {@code ipv4} (true: IPv4, false: IPv6), or
     * {@code null} when the listener offers no relay of that family (RFC 8656 §7.2: 440, or ADDRESS-ERROR-CODE 440
     * for the IPv6 half of a dual allocation).
     */
    InetAddress relayAddress(boolean ipv4);

    /** The route policy now in force (read on every relayed packet; never {@code null}). */
    RoutePolicy policy();

    /** STUNner's "permission denied" lines. */
    LogLimiter deniedLog();

    /** "allocation created" and "allocation deleted" lines. */
    LogLimiter allocationLog();

    /** Allocate refusals logged at INFO (those that completed after the request: relay bind failures). */
    LogLimiter refusalLog();

    /** Unexpected exceptions met while handling a datagram. */
    LogLimiter errorLog();

    /**
     * Counts a new allocation of {@code username} on this listener, or says which limit refuses it:
     * {@link Refusal#ALLOCATION_LIMIT} (508, the gateway's or the listener's cap) or {@link Refusal#QUOTA_REACHED}
     * (486, {@code admin.user_quota}).
     *
     * @return {@code null} when counted (give it back with {@link #releaseAllocation})
     */
    Refusal acquireAllocation(String username);

    /** Gives back what {@link #acquireAllocation} counted. */
    void releaseAllocation(String username);
}
