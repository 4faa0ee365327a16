package io.turngate.stun;

/**
 * The four STUN message classes, RFC 8489 §5 (bits C1 and C0 of the message type).
 */
public enum StunClass {
    /** Request, class bits {@code 0b00}. */
    REQUEST(0b00),
    /** Indication, class bits {@code 0b01}. */
    INDICATION(0b01),
    /** Success response, class bits {@code 0b10}. */
    SUCCESS_RESPONSE(0b10),
    /** Error response, class bits {@code 0b11}. */
    ERROR_RESPONSE(0b11);

    private static final StunClass[] BY_BITS = {REQUEST, INDICATION, SUCCESS_RESPONSE, ERROR_RESPONSE};

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** The two class bits as {@code C1C0}, i.e. 0..3. */
    public int bits() {
        return bits;
    }

    /** Whether this is a success or an error response. */
    public boolean isResponse() {
        return this == SUCCESS_RESPONSE || this == ERROR_RESPONSE;
    }

    /** The class for the two bits {@code C1C0} (only the low two bits of {@code bits} are used). */
    public static StunClass fromBits(int bits) {
        return BY_BITS[bits & 0b11];
    }
}
