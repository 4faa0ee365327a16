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
    AUTH_MISSING_INTEGRITY(ErrorCode.UNAUTHORIZED, Kind.CHALLENGE),
    /** RFC 8489 §9.2.4: USERNAME, REALM or NONCE missing next to MESSAGE-INTEGRITY (pion: 400). */
    AUTH_MISSING_ATTRIBUTES(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** Nonce expired, forged, for another client address, or issued under another realm: 438 with a fresh nonce. */
    AUTH_STALE_NONCE(ErrorCode.STALE_NONCE, Kind.AUTH),
    /** Unknown username (STUNner: 400). */
    AUTH_UNKNOWN_USER(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** Ephemeral (TURN REST) username without a timestamp, or expired (STUNner: 400). */
    AUTH_EXPIRED_CREDENTIAL(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** MESSAGE-INTEGRITY does not verify (STUNner: 400; RFC 8656 would say 401). */
    AUTH_BAD_INTEGRITY(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** Listener with auth type {@code none} is STUN-only: TURN requests get 400 so clients do not retry (pion). */
    AUTH_TURN_DISABLED(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /**
     * {@code --integrity sha256-required}: the request was not signed with PASSWORD-ALGORITHM SHA-256 and
     * MESSAGE-INTEGRITY-SHA256. RFC 8489 §9.2.4 has no check for a policy; 401 (with REALM, NONCE and the SHA-256-only
     * PASSWORD-ALGORITHMS) is its answer to "not the correct credentials", and a client that speaks RFC 8489 retries
     * with SHA-256 (§9.2.5), where a 400 would end the transaction.
     */
    AUTH_SHA256_REQUIRED(ErrorCode.UNAUTHORIZED, Kind.AUTH),
    /**
     * RFC 8489 §9.2.4 bid-down protection: the nonce has the "Password algorithms" bit and the request has only one of
     * PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS, a PASSWORD-ALGORITHMS other than the one offered, or an algorithm
     * not in it; or it chose an algorithm but signed with MESSAGE-INTEGRITY only (§9.2.5: MESSAGE-INTEGRITY-SHA256
     * only, once PASSWORD-ALGORITHMS was received). 400.
     */
    AUTH_ALGORITHM_MISMATCH(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /**
     * USERHASH where the nonce did not offer username anonymity (ephemeral credentials: the server needs the username
     * to compute the password), or next to USERNAME. 400: RFC 8489 §9.2.5 tells the client to send USERNAME here.
     */
    AUTH_USERHASH_REFUSED(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** MESSAGE-INTEGRITY-SHA256 shorter than 32 bytes: RFC 8489 §14.6 allows it only where the usage does; TURN does not. */
    AUTH_TRUNCATED_INTEGRITY(ErrorCode.BAD_REQUEST, Kind.AUTH),
    /** RFC 8656 §5: a request on an allocation must use the username that created it. */
    WRONG_CREDENTIALS(ErrorCode.WRONG_CREDENTIALS, Kind.AUTH),

    /** RFC 8489 §6.3: comprehension-required attribute not understood. */
    UNKNOWN_COMPREHENSION_REQUIRED(ErrorCode.UNKNOWN_ATTRIBUTE, Kind.REQUEST),
    /** A required attribute is missing or malformed. */
    BAD_REQUEST(ErrorCode.BAD_REQUEST, Kind.REQUEST),
    /** Request method the server does not implement. */
    UNSUPPORTED_METHOD(ErrorCode.BAD_REQUEST, Kind.REQUEST),

    /** RFC 8656 §7.2 step 2: the 5-tuple already has an allocation (new transaction id). */
    ALLOCATION_EXISTS(ErrorCode.ALLOCATION_MISMATCH, Kind.REQUEST),
    /** RFC 8656 §8.2, §10.2, §12.2: no allocation for this 5-tuple. */
    NO_ALLOCATION(ErrorCode.ALLOCATION_MISMATCH, Kind.REQUEST),
    /** RFC 8656 §7.2 step 3: REQUESTED-TRANSPORT is not UDP. */
    UNSUPPORTED_TRANSPORT(ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, Kind.REQUEST),
    /** RFC 8656 §7.2: requested address family not offered on this listener. */
    ADDRESS_FAMILY_NOT_SUPPORTED(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, Kind.REQUEST),
    /** RFC 8656 §10.2, §12.2: peer address family differs from the relayed address family. */
    PEER_ADDRESS_FAMILY_MISMATCH(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, Kind.PERMISSION),
    /** STUNner §1c.2: no cluster on this listener's routes contains the peer. pion: 401 on ChannelBind; turngate: 403 everywhere. */
    PEER_NOT_ROUTED(ErrorCode.FORBIDDEN, Kind.PERMISSION),
    /** Peer is loopback/unspecified/link-local/multicast/broadcast (not named explicitly), or the gateway itself. */
    PEER_FORBIDDEN_ADDRESS(ErrorCode.FORBIDDEN, Kind.PERMISSION),
    /**
     * ChannelBind to a port that the cluster admitting the peer's IP does not allow (turngate: refused at the request
     * instead of accepting the binding and dropping its data later; CreatePermission stays IP-only, STUNner §1c.2).
     */
    PEER_PORT_NOT_ROUTED(ErrorCode.FORBIDDEN, Kind.PERMISSION),
    /** ChannelBind to one of the gateway's own listener or relay ports on one of its own addresses. */
    PEER_OWN_PORT(ErrorCode.FORBIDDEN, Kind.PERMISSION),
    /** RFC 8656 §12.2: channel bound to another peer, or peer bound to another channel, or number out of range. */
    CHANNEL_CONFLICT(ErrorCode.BAD_REQUEST, Kind.REQUEST),
    /** admin.user_quota reached for this username. */
    QUOTA_REACHED(ErrorCode.ALLOCATION_QUOTA_REACHED, Kind.REQUEST),
    /** {@code --max-allocations} (all listeners) or {@code --max-allocations-per-listener} reached. */
    ALLOCATION_LIMIT(ErrorCode.INSUFFICIENT_CAPACITY, Kind.REQUEST),
    /** No relay port could be bound, or an unknown RESERVATION-TOKEN. */
    INSUFFICIENT_CAPACITY(ErrorCode.INSUFFICIENT_CAPACITY, Kind.REQUEST),
    /** The listener is shutting down or reconfiguring. */
    SERVER_ERROR(ErrorCode.SERVER_ERROR, Kind.REQUEST);

    /** How a refusal is reported in the metrics. */
    public enum Kind {
        /** The 401 challenge of the long-term credential mechanism: not a failure. */
        CHALLENGE,
        /** An authentication failure ({@code turngate_auth_failures_total{reason}}). */
        AUTH,
        /** A refused peer ({@code turngate_permission_refusals_total{refusal}}). */
        PERMISSION,
        /** Any other refused request ({@code turngate_request_refusals_total{refusal}}). */
        REQUEST
    }

    private final ErrorCode code;
    private final Kind kind;
    private final String label;

    Refusal(ErrorCode code, Kind kind) {
        this.code = code;
        this.kind = kind;
        this.label = name().toLowerCase(java.util.Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    /** The refusal's name as a metric label value, e.g. {@code peer_not_routed}. */
    public String label() {
        return label;
    }

    /**
     * Whether this refusal goes out to a client that has not (yet) proven its credentials, so the per-source rate
     * limit of unauthenticated answers applies to it (401, 438 and the 400s of the auth path).
     */
    public boolean unauthenticated() {
        return kind == Kind.CHALLENGE || (kind == Kind.AUTH && this != WRONG_CREDENTIALS);
    }

    /**
     * Whether the answer is a challenge of the long-term credential mechanism, carrying REALM, a fresh NONCE and
     * PASSWORD-ALGORITHMS and no integrity (RFC 8489 §9.2.4: 401 and 438).
     */
    public boolean challenges() {
        return this == AUTH_MISSING_INTEGRITY || this == AUTH_STALE_NONCE || this == AUTH_SHA256_REQUIRED;
    }

    /** The STUN error code sent for this refusal. */
    public ErrorCode errorCode() {
        return code;
    }
}
