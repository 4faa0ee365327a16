package io.turngate.turn;

import io.turngate.stun.ErrorCode;

/**
 * Every reason turngate refuses a well-formed TURN request, and the ONE place that maps each to the STUN error code
 * sent on the wire. Handlers never pick codes themselves (pion/turn's 401-vs-403 drift is what this prevents).
 *
 * <p>Auth-path codes follow STUNner (pion/turn), not RFC 8656, where the two differ (stunner-compat §1d): a request
 * with a bad MESSAGE-INTEGRITY, an unknown user or an expired ephemeral username gets 400, not 401.
 */
public enum Refusal {
    /** RFC 8489 §9.2.4: no MESSAGE-INTEGRITY; challenge with REALM and NONCE. */
    AUTH_MISSING_INTEGRITY(ErrorCode.UNAUTHORIZED),
    /** RFC 8489 §9.2.4: USERNAME, REALM or NONCE missing next to MESSAGE-INTEGRITY (pion: 400). */
    AUTH_MISSING_ATTRIBUTES(ErrorCode.BAD_REQUEST),
    /** Nonce expired, forged, for another client address, or issued under another realm: 438 with a fresh nonce. */
    AUTH_STALE_NONCE(ErrorCode.STALE_NONCE),
    /** Unknown username (STUNner: 400). */
    AUTH_UNKNOWN_USER(ErrorCode.BAD_REQUEST),
    /** Ephemeral (TURN REST) username without a timestamp, or expired (STUNner: 400). */
    AUTH_EXPIRED_CREDENTIAL(ErrorCode.BAD_REQUEST),
    /** MESSAGE-INTEGRITY does not verify (STUNner: 400; RFC 8656 would say 401). */
    AUTH_BAD_INTEGRITY(ErrorCode.BAD_REQUEST),
    /** Listener with auth type {@code none} is STUN-only: TURN requests get 400 so clients do not retry (pion). */
    AUTH_TURN_DISABLED(ErrorCode.BAD_REQUEST),
    /** RFC 8656 §5: a request on an allocation must use the username that created it. */
    WRONG_CREDENTIALS(ErrorCode.WRONG_CREDENTIALS),

    /** RFC 8489 §6.3: comprehension-required attribute not understood. */
    UNKNOWN_COMPREHENSION_REQUIRED(ErrorCode.UNKNOWN_ATTRIBUTE),
    /** A required attribute is missing or malformed. */
    BAD_REQUEST(ErrorCode.BAD_REQUEST),
    /** Request method the server does not implement. */
    UNSUPPORTED_METHOD(ErrorCode.BAD_REQUEST),

    /** RFC 8656 §7.2 step 2: the 5-tuple already has an allocation (new transaction id). */
    ALLOCATION_EXISTS(ErrorCode.ALLOCATION_MISMATCH),
    /** RFC 8656 §8.2, §9.2, §11.2: no allocation for this 5-tuple. */
    NO_ALLOCATION(ErrorCode.ALLOCATION_MISMATCH),
    /** RFC 8656 §7.2 step 3: REQUESTED-TRANSPORT is not UDP. */
    UNSUPPORTED_TRANSPORT(ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL),
    /** RFC 8656 §7.2: requested address family not offered on this listener. */
    ADDRESS_FAMILY_NOT_SUPPORTED(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED),
    /** RFC 8656 §9.2, §11.2: peer address family differs from the relayed address family. */
    PEER_ADDRESS_FAMILY_MISMATCH(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH),
    /** STUNner §1c.2: no cluster on this listener's routes contains the peer. pion: 401 on ChannelBind; turngate: 403 everywhere. */
    PEER_NOT_ROUTED(ErrorCode.FORBIDDEN),
    /** Peer is loopback/unspecified/link-local/multicast/broadcast (not named explicitly), or the gateway itself. */
    PEER_FORBIDDEN_ADDRESS(ErrorCode.FORBIDDEN),
    /** RFC 8656 §11.2: channel bound to another peer, or peer bound to another channel, or number out of range. */
    CHANNEL_CONFLICT(ErrorCode.BAD_REQUEST),
    /** admin.user_quota reached for this username. */
    QUOTA_REACHED(ErrorCode.ALLOCATION_QUOTA_REACHED),
    /** No relay port could be bound, or an unknown RESERVATION-TOKEN. */
    INSUFFICIENT_CAPACITY(ErrorCode.INSUFFICIENT_CAPACITY),
    /** The listener is shutting down or reconfiguring. */
    SERVER_ERROR(ErrorCode.SERVER_ERROR);

    private final ErrorCode code;

    Refusal(ErrorCode code) {
        this.code = code;
    }

    /** The STUN error code sent for this refusal. */
    public ErrorCode errorCode() {
        return code;
    }
}
