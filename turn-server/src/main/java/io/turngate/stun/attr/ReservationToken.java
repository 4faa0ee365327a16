package io.turngate.stun.attr;

/**
 * RESERVATION-TOKEN, RFC 8656 §18.10: an 8-byte token identifying a relayed port reserved by EVEN-PORT.
 *
 * @param token the 64 bits of the token
 */
public record ReservationToken(long token) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 8;

    @Override
    public int type() {
        return AttributeType.RESERVATION_TOKEN;
    }

    @Override
    public String toString() {
        return String.format("ReservationToken[%016x]", token);
    }
}
