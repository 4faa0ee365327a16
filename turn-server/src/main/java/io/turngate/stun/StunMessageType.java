package io.turngate.stun;

/**
 * The 14-bit STUN message type: a 12-bit method interleaved with the 2 class bits, RFC 8489 §5, Figure 3:
 * <pre>
 *   13 12 11 10  9  8  7  6  5  4  3  2  1  0
 *   M11 ...   M7 C1 M6 M5 M4 C0 M3 M2 M1 M0
 * </pre>
 * Static helpers only, so the hot path can classify a peeked type without allocating.
 */
public final class StunMessageType {

    /** Binding request, 0x0001. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Binding success response, 0x0101. */
    public static final int BINDING_SUCCESS = 0x0101;
    /** Binding indication, 0x0011 (keepalive). */
    public static final int BINDING_INDICATION = 0x0011;
    /** Allocate request, 0x0003. */
    public static final int ALLOCATE_REQUEST = 0x0003;
    /** Refresh request, 0x0004. */
    public static final int REFRESH_REQUEST = 0x0004;
    /** Send indication, 0x0016 (RFC 8656 §10). */
    public static final int SEND_INDICATION = 0x0016;
    /** Data indication, 0x0017 (RFC 8656 §10). */
    public static final int DATA_INDICATION = 0x0017;
    /** CreatePermission request, 0x0008. */
    public static final int CREATE_PERMISSION_REQUEST = 0x0008;
    /** ChannelBind request, 0x0009. */
    public static final int CHANNEL_BIND_REQUEST = 0x0009;

    private StunMessageType() {
    }

    /**
     * The message type for a method and class.
     *
     * @throws IllegalArgumentException if {@code method} is outside 0..0xFFF
     */
    public static int encode(int method, StunClass cls) {
        if (method < 0 || method > StunMethod.MAX) {
            throw new IllegalArgumentException("method: found 0x" + Integer.toHexString(method)
                    + " (expected: 0x000..0xFFF)");
        }
        int c = cls.bits();
        return (method & 0x000F)
                | ((method & 0x0070) << 1)
                | ((method & 0x0F80) << 2)
                | ((c & 0b01) << 4)
                | ((c & 0b10) << 7);
    }

    /** The 12-bit method of a message type (bits above 13 are ignored). */
    public static int method(int type) {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    /** The class of a message type. */
    public static StunClass messageClass(int type) {
        return StunClass.fromBits(((type >> 4) & 0b01) | ((type >> 7) & 0b10));
    }

    /** "Allocate error response" style text for logs. */
    public static String toString(int type) {
        String cls;
        switch (messageClass(type)) {
            case REQUEST: cls = "request"; break;
            case INDICATION: cls = "indication"; break;
            case SUCCESS_RESPONSE: cls = "success response"; break;
            default: cls = "error response"; break;
        }
        return StunMethod.name(method(type)) + " " + cls;
    }
}
