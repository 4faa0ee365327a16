package io.turngate.stun.attr;

/**
 * FINGERPRINT, RFC 8489 §14.7: CRC-32 of the message up to this attribute, XOR 0x5354554E; always the last attribute.
 *
 * <p>The codec verifies it while decoding (a mismatch is a decode error) and computes it while encoding; this
 * record only reports the received value.
 *
 * @param crc the 32-bit value as an unsigned number, 0..0xFFFFFFFF
 */
public record Fingerprint(long crc) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;

    public Fingerprint {
        if (crc < 0 || crc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("FINGERPRINT: found " + crc + " (expected: 0..0xFFFFFFFF)");
        }
    }

    @Override
    public int type() {
        return AttributeType.FINGERPRINT;
    }

    @Override
    public String toString() {
        return String.format("Fingerprint[%08x]", crc);
    }
}
