package io.turngate.stun;

import io.turngate.stun.attr.AttributeType;

/**
 * The two message-integrity attributes of RFC 8489: which one signs a message the encoder writes, and which one a
 * received message was verified with (a server answers with the one the request used, RFC 8489 §9.2.4).
 */
public enum IntegrityAlgorithm {
    /** MESSAGE-INTEGRITY, HMAC-SHA1, 20 bytes (RFC 8489 §14.5): what RFC 5389 clients and browsers send. */
    SHA1(AttributeType.MESSAGE_INTEGRITY, StunConstants.MESSAGE_INTEGRITY_LENGTH),
    /** MESSAGE-INTEGRITY-SHA256, HMAC-SHA256, written untruncated: 32 bytes (RFC 8489 §14.6). */
    SHA256(AttributeType.MESSAGE_INTEGRITY_SHA256, 32);

    private final int attributeType;
    private final int length;

    IntegrityAlgorithm(int attributeType, int length) {
        this.attributeType = attributeType;
        this.length = length;
    }

    /** The attribute type that carries it. */
    public int attributeType() {
        return attributeType;
    }

    /** The value length the encoder writes. */
    public int length() {
        return length;
    }
}
