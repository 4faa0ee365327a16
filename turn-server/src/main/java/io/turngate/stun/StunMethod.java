package io.turngate.stun;

/**
 * STUN method numbers (12 bits) from the IANA "STUN Methods" registry: RFC 8489 §18.2 (Binding),
 * RFC 8656 §17 (TURN), RFC 6062 §6.1 (TURN-TCP). An open set: any 12-bit value may appear on the wire.
 *
 * @see <a href="https://www.iana.org/assignments/stun-parameters">IANA STUN parameters</a>
 */
public final class StunMethod {

    /** Binding, RFC 8489 §18.2. */
    public static final int BINDING = 0x001;
    /** Allocate (request/response only), RFC 8656 §17. */
    public static final int ALLOCATE = 0x003;
    /** Refresh (request/response only), RFC 8656 §17. */
    public static final int REFRESH = 0x004;
    /** Send (indication only), RFC 8656 §17. */
    public static final int SEND = 0x006;
    /** Data (indication only), RFC 8656 §17. */
    public static final int DATA = 0x007;
    /** CreatePermission (request/response only), RFC 8656 §17. */
    public static final int CREATE_PERMISSION = 0x008;
    /** ChannelBind (request/response only), RFC 8656 §17. */
    public static final int CHANNEL_BIND = 0x009;
    /** Connect, RFC 6062 §6.1. */
    public static final int CONNECT = 0x00A;
    /** ConnectionBind, RFC 6062 §6.1. */
    public static final int CONNECTION_BIND = 0x00B;
    /** ConnectionAttempt, RFC 6062 §6.1. */
    public static final int CONNECTION_ATTEMPT = 0x00C;

    /** Largest method number (12 bits). */
    public static final int MAX = 0xFFF;

    private StunMethod() {
    }

    /** The registry name ("Binding", "Allocate", ...), or {@code 0x%03X} for an unregistered method. */
    public static String name(int method) {
        switch (method) {
            case BINDING: return "Binding";
            case ALLOCATE: return "Allocate";
            case REFRESH: return "Refresh";
            case SEND: return "Send";
            case DATA: return "Data";
            case CREATE_PERMISSION: return "CreatePermission";
            case CHANNEL_BIND: return "ChannelBind";
            case CONNECT: return "Connect";
            case CONNECTION_BIND: return "ConnectionBind";
            case CONNECTION_ATTEMPT: return "ConnectionAttempt";
            default: return String.format("0x%03X", method);
        }
    }
}
