package io.turngate.stun.attr;

/**
 * LIFETIME, RFC 8656 §18.2: the requested or granted allocation lifetime in seconds, a 32-bit unsigned integer
 * (4-byte value).
 *
 * @param seconds 0..0xFFFFFFFF
 */
public record Lifetime(long seconds) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;

    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("LIFETIME: found " + seconds + " (expected: 0..4294967295)");
        }
    }

    @Override
    public int type() {
        return AttributeType.LIFETIME;
    }
}
