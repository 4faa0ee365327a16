package io.turngate.stun;

import io.turngate.stun.attr.ErrorCodeAttribute;

import java.util.HashMap;
import java.util.Map;

/**
 * STUN error codes, an open registry (IANA "STUN Error Codes"): RFC 8489 §14.8, RFC 8656 §19, RFC 8445 §7.3.1.1.
 * Registered codes are cached constants; {@link #valueOf(int)} returns a new instance for any other code in
 * 300..699, so unknown codes pass through. Equality is by code.
 *
 * @see <a href="https://www.iana.org/assignments/stun-parameters">IANA STUN parameters</a>
 */
public final class ErrorCode {

    private static final Map<Integer, ErrorCode> BY_CODE = new HashMap<>();

    /** 300 Try Alternate, RFC 8489 §14.8. */
    public static final ErrorCode TRY_ALTERNATE = register(300, "Try Alternate");
    /** 400 Bad Request, RFC 8489 §14.8. */
    public static final ErrorCode BAD_REQUEST = register(400, "Bad Request");
    /** 401 Unauthorized (RFC 8489 spells it "Unauthenticated"), RFC 8489 §14.8. */
    public static final ErrorCode UNAUTHORIZED = register(401, "Unauthorized");
    /** 403 Forbidden, RFC 8656 §19. */
    public static final ErrorCode FORBIDDEN = register(403, "Forbidden");
    /** 420 Unknown Attribute, RFC 8489 §14.8. */
    public static final ErrorCode UNKNOWN_ATTRIBUTE = register(420, "Unknown Attribute");
    /** 437 Allocation Mismatch, RFC 8656 §19. */
    public static final ErrorCode ALLOCATION_MISMATCH = register(437, "Allocation Mismatch");
    /** 438 Stale Nonce, RFC 8489 §14.8. */
    public static final ErrorCode STALE_NONCE = register(438, "Stale Nonce");
    /** 440 Address Family not Supported, RFC 8656 §19. */
    public static final ErrorCode ADDRESS_FAMILY_NOT_SUPPORTED = register(440, "Address Family not Supported");
    /** 441 Wrong Credentials, RFC 8656 §19. */
    public static final ErrorCode WRONG_CREDENTIALS = register(441, "Wrong Credentials");
    /** 442 Unsupported Transport Protocol, RFC 8656 §19. */
    public static final ErrorCode UNSUPPORTED_TRANSPORT_PROTOCOL = register(442, "Unsupported Transport Protocol");
    /** 443 Peer Address Family Mismatch, RFC 8656 §19. */
    public static final ErrorCode PEER_ADDRESS_FAMILY_MISMATCH = register(443, "Peer Address Family Mismatch");
    /** 486 Allocation Quota Reached, RFC 8656 §19. */
    public static final ErrorCode ALLOCATION_QUOTA_REACHED = register(486, "Allocation Quota Reached");
    /** 487 Role Conflict, RFC 8445 §7.3.1.1. */
    public static final ErrorCode ROLE_CONFLICT = register(487, "Role Conflict");
    /** 500 Server Error, RFC 8489 §14.8. */
    public static final ErrorCode SERVER_ERROR = register(500, "Server Error");
    /** 508 Insufficient Capacity, RFC 8656 §19. */
    public static final ErrorCode INSUFFICIENT_CAPACITY = register(508, "Insufficient Capacity");

    /** Smallest valid error code, RFC 8489 §14.8. */
    public static final int MIN_CODE = 300;
    /** Largest valid error code, RFC 8489 §14.8. */
    public static final int MAX_CODE = 699;

    private final int code;
    private final String reason;

    private ErrorCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    private static ErrorCode register(int code, String reason) {
        ErrorCode c = new ErrorCode(code, reason);
        BY_CODE.put(code, c);
        return c;
    }

    /**
     * The registered constant for {@code code}, or a new instance with reason "Unknown" for an unregistered code.
     *
     * @throws IllegalArgumentException if {@code code} is outside 300..699
     */
    public static ErrorCode valueOf(int code) {
        ErrorCode c = BY_CODE.get(code);
        if (c != null) {
            return c;
        }
        if (code < MIN_CODE || code > MAX_CODE) {
            throw new IllegalArgumentException("error code: found " + code + " (expected: 300..699)");
        }
        return new ErrorCode(code, "Unknown");
    }

    /** The numeric code, 300..699. */
    public int code() {
        return code;
    }

    /** The recommended reason phrase. */
    public String reason() {
        return reason;
    }

    /** The hundreds digit (3..6), the "Class" field of ERROR-CODE. */
    public int errorClass() {
        return code / 100;
    }

    /** The code modulo 100, the "Number" field of ERROR-CODE. */
    public int number() {
        return code % 100;
    }

    /** An ERROR-CODE attribute with this code and its reason phrase. */
    public ErrorCodeAttribute toAttribute() {
        return new ErrorCodeAttribute(code, reason);
    }

    /** An ERROR-CODE attribute with this code and a custom reason phrase. */
    public ErrorCodeAttribute toAttribute(String customReason) {
        return new ErrorCodeAttribute(code, customReason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorCode && ((ErrorCode) o).code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    /** E.g. {@code "401 Unauthorized"}. */
    @Override
    public String toString() {
        return code + " " + reason;
    }
}
