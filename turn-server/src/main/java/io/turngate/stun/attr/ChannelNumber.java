package io.turngate.stun.attr;

/**
 * CHANNEL-NUMBER, RFC 8656 §18.1: a 16-bit channel number followed by 2 RFFU bytes (4-byte value). Any 16-bit value
 * decodes; ChannelBind rejects numbers outside {@link #MIN}..{@link #MAX} with 400 (RFC 8656 §12.2), see
 * {@link #inValidRange()}. The range is RFC 5766's 0x4000..0x7FFF, as pion/turn and coturn accept (coturn's own client
 * binds numbers above 0x4FFF); RFC 8656 §12 narrowed it to 0x4000..0x4FFF ({@link #RFC8656_MAX}).
 *
 * @param number 0..0xFFFF
 */
public record ChannelNumber(int number) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;
    /** Smallest channel number a client may bind, RFC 8656 §12. */
    public static final int MIN = 0x4000;
    /** Largest channel number a client may bind: RFC 5766 §11's 0x7FFF, which turngate keeps accepting. */
    public static final int MAX = 0x7FFF;
    /** Largest channel number of RFC 8656 §12, which a client following it never exceeds. */
    public static final int RFC8656_MAX = 0x4FFF;

    public ChannelNumber {
        if (number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("CHANNEL-NUMBER: found " + number + " (expected: 0..0xFFFF)");
        }
    }

    /** Whether ChannelBind accepts the number: 0x4000..0x7FFF (see the class comment). */
    public boolean inValidRange() {
        return number >= MIN && number <= MAX;
    }

    @Override
    public int type() {
        return AttributeType.CHANNEL_NUMBER;
    }
}
