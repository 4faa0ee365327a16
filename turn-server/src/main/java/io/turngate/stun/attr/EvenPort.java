package io.turngate.stun.attr;

/**
 * EVEN-PORT, RFC 8656 §18.7: ask for an even relayed port, optionally reserving the next-higher port (the R bit, the
 * most significant bit of the 1-byte value; the other 7 bits are RFFU and ignored).
 *
 * @param reserve the R bit: also reserve port + 1 for a later allocation
 */
public record EvenPort(boolean reserve) implements StunAttribute {

    /** Value length on the wire (padded to 4 bytes). */
    public static final int LENGTH = 1;
    /** Mask of the R bit. */
    public static final int RESERVE_BIT = 0x80;

    @Override
    public int type() {
        return AttributeType.EVEN_PORT;
    }
}
