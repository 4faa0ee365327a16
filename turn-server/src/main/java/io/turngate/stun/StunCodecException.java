package io.turngate.stun;

/**
 * A datagram is not a well-formed STUN message, RFC 8489 §6.3. Thrown by {@link StunCodec#decode}.
 *
 * <p>Created without a stack trace: malformed input is attacker-controlled and frequent, and the {@link #reason()}
 * plus the "found X (expected: Y)" message say everything. When the header was readable, {@link #messageType()} and
 * {@link #transactionId()} let the caller answer a malformed <em>request</em> with 400 (RFC 8489 §6.3.1).
 */
public class StunCodecException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason {
        /** Fewer bytes than the header or the length field announce. */
        TRUNCATED,
        /** The magic cookie is not 0x2112A442 (RFC 3489 message or not STUN), RFC 8489 §5. */
        BAD_MAGIC_COOKIE,
        /** The length field is not a multiple of 4 or does not match the datagram, RFC 8489 §5. */
        BAD_LENGTH,
        /** An attribute overruns the message or has the wrong size for its type, RFC 8489 §14. */
        BAD_ATTRIBUTE_LENGTH,
        /** FINGERPRINT does not match or is not the last attribute, RFC 8489 §14.7. */
        BAD_FINGERPRINT,
        /** The first two bits are not zero, RFC 8489 §5. */
        NOT_STUN,
        /** An attribute value is invalid (bad family, bad UTF-8, over-long string, bad error class), RFC 8489 §14. */
        BAD_VALUE
    }

    private final Reason reason;
    private final int messageType;
    private final transient TransactionId transactionId;

    /** An exception without header information. */
    public StunCodecException(Reason reason, String message) {
        this(reason, message, -1, null);
    }

    /**
     * @param messageType   the message type from the header, or -1 if unknown
     * @param transactionId the transaction ID from the header, or {@code null} if unknown
     */
    public StunCodecException(Reason reason, String message, int messageType, TransactionId transactionId) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
        this.messageType = messageType;
        this.transactionId = transactionId;
    }

    /** Why decoding failed. */
    public Reason reason() {
        return reason;
    }

    /** The 14-bit message type from the header, or -1 if the header was not readable. */
    public int messageType() {
        return messageType;
    }

    /** The transaction ID from the header, or {@code null} if the header was not readable. */
    public TransactionId transactionId() {
        return transactionId;
    }
}
