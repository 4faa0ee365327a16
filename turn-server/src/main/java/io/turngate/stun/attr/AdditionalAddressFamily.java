package io.turngate.stun.attr;

/**
 * ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §18.11: in an Allocate request, asks for a dual allocation, an IPv6 relayed
 * address beside the IPv4 one (4-byte value: family in the first byte, 3 RFFU bytes; only {@code 0x02} IPv6 is
 * valid, §7.2 answers 400 to IPv4). Any family value decodes, so that the server can answer instead of dropping the
 * request.
 *
 * <p>coturn before 4.8.0 (Debian's 4.6 among them) sends it as {@code 0x8032}, the draft's number
 * ({@link AttributeType#ADDITIONAL_ADDRESS_FAMILY_DRAFT}); {@link #draft} keeps which one the client used, so that
 * the answer's ADDRESS-ERROR-CODE is numbered as the client expects.
 *
 * @param family 0..255; {@link RequestedAddressFamily#IPV6} = 2 is the one valid value
 * @param draft  sent as {@code 0x8032} (coturn before 4.8.0) rather than RFC 8656's {@code 0x8000}
 */
public record AdditionalAddressFamily(int family, boolean draft) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;

    public AdditionalAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("ADDITIONAL-ADDRESS-FAMILY: found " + family + " (expected: 0..255)");
        }
    }

    /** RFC 8656's ADDITIONAL-ADDRESS-FAMILY {@code 0x8000}. */
    public AdditionalAddressFamily(int family) {
        this(family, false);
    }

    @Override
    public int type() {
        return draft ? AttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT : AttributeType.ADDITIONAL_ADDRESS_FAMILY;
    }
}
