package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * MESSAGE-INTEGRITY-SHA256, RFC 8489 §14.6: an initial portion of the HMAC-SHA256 over the message up to this
 * attribute, at least 16 and at most 32 bytes, a multiple of 4. The full 32 bytes unless the STUN usage allows
 * truncation; TURN (RFC 8656) does not, so the authenticator refuses truncated values while the codec, which knows
 * no usage, accepts every length §14.6 allows.
 *
 * <p>Decoded messages carry this record for information; verification uses the raw bytes
 * ({@code io.turngate.stun.ReceivedStun#verifyIntegritySha256}); the encoder computes the value itself. Equality
 * compares contents; the array is not copied.
 *
 * @param hmac 16, 20, 24, 28 or 32 bytes
 */
public record MessageIntegritySha256(byte[] hmac) implements StunAttribute {

    /** Full length of the value: the whole HMAC-SHA256. */
    public static final int LENGTH = 32;
    /** Shortest truncation §14.6 allows. */
    public static final int MIN_LENGTH = 16;

    public MessageIntegritySha256 {
        Objects.requireNonNull(hmac, "hmac");
        if (!isValidLength(hmac.length)) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 length: found " + hmac.length
                    + " (expected: 16..32, a multiple of 4)");
        }
    }

    /** RFC 8489 §14.6: 16..32 bytes, a multiple of 4. */
    public static boolean isValidLength(int length) {
        return length >= MIN_LENGTH && length <= LENGTH && (length & 3) == 0;
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY_SHA256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageIntegritySha256 && Arrays.equals(hmac, ((MessageIntegritySha256) o).hmac);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hmac);
    }

    @Override
    public String toString() {
        return "MessageIntegritySha256[" + hmac.length + " bytes]";
    }
}
