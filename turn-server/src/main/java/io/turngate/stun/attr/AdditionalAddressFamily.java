package io.turngate.stun.attr;

/**
 * ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §18.11: in an Allocate request, asks for a dual allocation, an IPv6 relayed
 * address beside the IPv4 one (4-byte value: family in the first byte, 3 RFFU bytes; only {@code 0x02} IPv6 is
 * valid, §7.2 answers 400 to IPv4). Any family value decodes, so that the server can answer instead of dropping the
 * request.
 *
 * @param family 0..255; {@link RequestedAddressFamily#IPV6} = 2 is the one valid value
 */
public record AdditionalAddressFamily(int family) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;

    public AdditionalAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("ADDITIONAL-ADDRESS-FAMILY: found " + family + " (expected: 0..255)");
        }
    }

    @Override
    public int type() {
        return AttributeType.ADDITIONAL_ADDRESS_FAMILY;
    }
}
