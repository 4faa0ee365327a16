package io.turngate.stun.attr;

/**
 * REQUESTED-TRANSPORT, RFC 8656 §18.8: the IP protocol number the client wants relayed (4-byte value: protocol in the
 * first byte, 3 RFFU bytes). Any protocol number decodes; the server answers 442 for anything but UDP
 * (RFC 8656 §7.2).
 *
 * @param protocol IANA protocol number, 0..255 (17 = UDP, 6 = TCP)
 */
public record RequestedTransport(int protocol) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 4;
    /** UDP, protocol number 17. */
    public static final int UDP = 17;
    /** TCP, protocol number 6 (RFC 6062). */
    public static final int TCP = 6;

    public RequestedTransport {
        if (protocol < 0 || protocol > 0xFF) {
            throw new IllegalArgumentException("REQUESTED-TRANSPORT: found " + protocol + " (expected: 0..255)");
        }
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_TRANSPORT;
    }
}
