package io.turngate.turn;

/**
 * Binds the relay sockets of new allocations (RFC 8656 §7.2 steps 5 and 6): an OS-chosen port, an even port
 * ({@code EVEN-PORT}, RFC 8656 §18.7), optionally with the next port kept as a reservation whose
 * {@code RESERVATION-TOKEN} (§18.10) the response carries, or the port of an earlier reservation.
 *
 * <p>Threading: {@link #allocate} and {@link #sweep} on the event loop that owns the allocation table; the
 * {@link Completion} is called on that loop, at once or later.
 */
public interface RelayPortAllocator {
    /** A relay socket for {@code request}; the outcome goes to {@code completion}, once (or not at all, see there). */
    void allocate(Request request, Completion completion);

    /** Drops reservations whose time is up (deadlines, not timers). */
    void sweep(long nowNanos);

    /**
     * What an Allocate asks of its relay port.
     *
     * @param ipv4             the relay's address family (the listener's relay address)
     * @param evenPort         EVEN-PORT: the port must be even
     * @param reservePair      EVEN-PORT with the R bit: also reserve the next (odd) port
     * @param reservationToken RESERVATION-TOKEN: use the port reserved under this token; {@code null} when absent
     */
    record Request(boolean ipv4, boolean evenPort, boolean reservePair, Long reservationToken) {
    }

    /** The outcome of one {@link #allocate}. */
    interface Completion {
        /**
         * Whether the Allocate still wants its socket. The allocator asks after every asynchronous step; on
         * {@code false} it closes what it bound and calls nothing else.
         */
        boolean wanted();

        /**
         * The relay socket is bound.
         *
         * @param reservationToken the token of the port reserved next to it (EVEN-PORT with the R bit), or
         *                         {@code null}
         */
        void allocated(RelaySocket relay, Long reservationToken);

        /** No socket: {@code refusal} is the answer, {@code detail} is for the log. */
        void failed(Refusal refusal, String detail);
    }
}
