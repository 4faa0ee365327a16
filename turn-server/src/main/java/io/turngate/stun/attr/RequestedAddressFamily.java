package io.turngate.stun.attr;

/**
 * REQUESTED-ADDRESS-FAMILY, RFC 8656 §18.6: the address family of the relayed address the client wants (4-byte
 * value: family in the first byte, 3 RFFU bytes). Any family value decodes, so that the server can answer 440
 * (Address Family not Supported, RFC 8656 §7.2) instead of dropping the request.
 *
 * @param family 0..255; {@link #IPV4} = 1, {@link #IPV6} = 2
 */
public record RequestedAddressFamily(int family) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;
    /** IPv4, family 0x01. */
    public static final int IPV4 = 0x01;
    /** IPv6, family 0x02. */
    public static final int IPV6 = 0x02;

    public RequestedAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("REQUESTED-ADDRESS-FAMILY: found " + family + " (expected: 0..255)");
        }
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_ADDRESS_FAMILY;
    }
}
