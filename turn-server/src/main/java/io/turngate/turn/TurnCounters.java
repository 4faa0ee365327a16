package io.turngate.turn;

/**
 * What the TURN core counts, as events: the core says what happened, the transport that owns the core decides where
 * the count is kept (turngate's UDP listener sockets keep plain per-event-loop counters, {@code server.SocketStats},
 * exported as the {@code server.Counter} catalogue). One method per event, so that a call on the hot path is a
 * plain increment behind a monomorphic call.
 *
 * <p>Threading: called only on the event loop that owns the core instance.
 */
public interface TurnCounters {
    /** A request refused with {@code refusal} (counted whether or not the answer went out). */
    void refused(Refusal refusal);

    /** An unauthenticated error answer not sent: its source exceeded the per-source rate. */
    void answerRateLimited();

    /** A message that is neither valid STUN nor valid ChannelData. */
    void malformed();

    /** A STUN message whose FINGERPRINT does not match. */
    void badFingerprint();

    /** An indication dropped: malformed, not a Send indication, or with unknown comprehension-required attributes. */
    void indicationDropped();

    /** A STUN response received from a client (the server sends no requests). */
    void responseDropped();

    /** A request with a method the server does not implement (answered 400). */
    void unknownMethod();

    /** A request with comprehension-required attributes the server does not know (answered 420). */
    void unknownAttributes();

    /** A datagram over the size limit. */
    void oversized();

    /** ChannelData or a Send indication from a client without an allocation. */
    void noAllocation();

    /** ChannelData on a channel number that is not bound. */
    void unboundChannel();

    /** Data between the relay and a peer without a permission. */
    void noPermission();

    /** Relayed data dropped by the route's port-range check (or a removed endpoint). */
    void peerPortDenied();

    /** Relayed data dropped because the peer is one of the gateway's own ports. */
    void selfPeerDenied();

    void allocationCreated();

    /** An allocation removed at the end of its lifetime. */
    void allocationExpired();

    /** An allocation deleted by its client (Refresh with LIFETIME 0) or because its listener closed. */
    void allocationDeleted();

    /** An allocation that lived {@code livedNanos} went away (the lifetime histogram). */
    void allocationClosed(long livedNanos);

    /** A relay socket that could not be bound. */
    void relayBindFailed();

    /** An unexpected exception caught on the event loop (logged; the socket keeps serving). */
    void handlerError();

    /**
     * A datagram of {@code bytes} relayed to ({@code toPeer}) or from a peer, counted for the cluster that admits it
     * under {@code policy}; {@code permission} has just been checked against {@code policy}.
     */
    void relayed(RoutePolicy policy, Permission permission, boolean toPeer, int bytes);
}
