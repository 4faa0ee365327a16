package io.turngate.stun.attr;

/**
 * DONT-FRAGMENT, RFC 8656 §18.9: the client asks that the DF bit be set on packets relayed to the peer (no value).
 */
public record DontFragment() implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 0;

    @Override
    public int type() {
        return AttributeType.DONT_FRAGMENT;
    }
}
