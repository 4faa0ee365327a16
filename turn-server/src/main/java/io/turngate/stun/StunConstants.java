package io.turngate.stun;

/**
 * Wire constants of the STUN header and trailer attributes, RFC 8489 §5, §14.5 and §14.7.
 *
 * <p>Public (not package-private) so that the hot-path demultiplexer in {@code io.turngate.relay} can peek at raw
 * datagrams without going through the codec.
 */
public final class StunConstants {

    // --- Header (RFC 8489 §5) ---

    /** The fixed magic cookie, RFC 8489 §5. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Length of the STUN header in bytes (type, length, magic cookie, transaction ID). */
    public static final int HEADER_LENGTH = 20;
    /** Offset of the 16-bit message type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the 16-bit message length (excludes the header). */
    public static final int LENGTH_OFFSET = 2;
    /** Offset of the 32-bit magic cookie. */
    public static final int MAGIC_COOKIE_OFFSET = 4;
    /** Offset of the 96-bit transaction ID. */
    public static final int TRANSACTION_ID_OFFSET = 8;
    /** Length of the transaction ID in bytes. */
    public static final int TRANSACTION_ID_LENGTH = 12;
    /** The two most significant bits of every STUN message are zero (RFC 8489 §5); mask over the first byte. */
    public static final int FIRST_BYTE_MASK = 0xC0;
    /** Largest value of the 16-bit length field. */
    public static final int MAX_MESSAGE_LENGTH = 0xFFFF;

    // --- Attributes (RFC 8489 §14) ---

    /** Length of an attribute's type + length header. */
    public static final int ATTRIBUTE_HEADER_LENGTH = 4;
    /** Attribute values are padded to a multiple of this many bytes. */
    public static final int ATTRIBUTE_ALIGNMENT = 4;

    // --- Trailer (RFC 8489 §14.5, §14.7) ---

    /** Length of the MESSAGE-INTEGRITY value (HMAC-SHA1), RFC 8489 §14.5. */
    public static final int MESSAGE_INTEGRITY_LENGTH = 20;
    /** Length of the FINGERPRINT value (CRC-32), RFC 8489 §14.7. */
    public static final int FINGERPRINT_LENGTH = 4;
    /** The FINGERPRINT value is CRC-32 XOR this constant ("STUN" in ASCII), RFC 8489 §14.7. */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    // --- String limits (RFC 8489 §14.3, §14.8, §14.9, §14.10, §14.14) ---

    /** USERNAME MUST contain fewer than 513 bytes, RFC 8489 §14.3. */
    public static final int MAX_USERNAME_BYTES = 512;
    /**
     * REALM, NONCE, SOFTWARE and the ERROR-CODE reason: fewer than 128 characters, "as long as 763 bytes when
     * decoding them", RFC 8489 §14.8–§14.10, §14.14.
     */
    public static final int MAX_TEXT_BYTES = 763;

    private StunConstants() {
    }
}
