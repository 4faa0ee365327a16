package io.turngate.stun;

import javax.crypto.Mac;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A decoded STUN message together with the exact bytes it was decoded from, so that MESSAGE-INTEGRITY can be checked
 * later (once the key is known), RFC 8489 §14.5.
 *
 * <p>The {@code raw} array is owned by this record and must not be modified.
 *
 * @param message            the decoded message
 * @param raw                the exact bytes of the STUN message (header included)
 * @param integrityOffset    offset in {@code raw} of the MESSAGE-INTEGRITY attribute header, {@code -1} if absent
 * @param fingerprintPresent whether a (valid) FINGERPRINT was present; the codec rejects invalid ones
 */
public record ReceivedStun(StunMessage message, byte[] raw, int integrityOffset, boolean fingerprintPresent) {

    private static final int MI_ATTRIBUTE_LENGTH =
            StunConstants.ATTRIBUTE_HEADER_LENGTH + StunConstants.MESSAGE_INTEGRITY_LENGTH;

    public ReceivedStun {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(raw, "raw");
        if (integrityOffset != -1
                && (integrityOffset < StunConstants.HEADER_LENGTH
                || integrityOffset > raw.length - MI_ATTRIBUTE_LENGTH)) {
            throw new IllegalArgumentException("integrityOffset: found " + integrityOffset
                    + " (expected: -1 or " + StunConstants.HEADER_LENGTH + ".." + (raw.length - MI_ATTRIBUTE_LENGTH)
                    + ")");
        }
    }

    /** Whether the message carried MESSAGE-INTEGRITY. */
    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    /**
     * Checks MESSAGE-INTEGRITY with the given key, RFC 8489 §14.5: HMAC-SHA1 over the message up to (excluding) the
     * MESSAGE-INTEGRITY attribute, with the header length field set as if MESSAGE-INTEGRITY were the last attribute.
     * The comparison is constant-time ({@link MessageDigest#isEqual}).
     *
     * @param key the short-term key (the password's bytes) or the long-term key (see
     *            {@code io.turngate.auth.LongTermCredentials})
     * @return {@code false} if there is no MESSAGE-INTEGRITY, the key is empty, or the HMAC does not match
     */
    public boolean verifyIntegrity(byte[] key) {
        if (integrityOffset < 0 || key == null || key.length == 0) {
            return false;
        }
        byte[] expected = hmacSha1(key, raw, integrityOffset);
        byte[] actual = new byte[StunConstants.MESSAGE_INTEGRITY_LENGTH];
        System.arraycopy(raw, integrityOffset + StunConstants.ATTRIBUTE_HEADER_LENGTH, actual, 0, actual.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * HMAC-SHA1 of {@code bytes[0..end)} with the STUN length field replaced by {@code end - 20 + 24}, i.e. the length
     * of a message ending right after a MESSAGE-INTEGRITY attribute placed at {@code end}.
     */
    static byte[] hmacSha1(byte[] key, byte[] bytes, int end) {
        int adjusted = end - StunConstants.HEADER_LENGTH + MI_ATTRIBUTE_LENGTH;
        Mac mac = HmacSha1.withKey(key);
        mac.update(bytes, 0, StunConstants.LENGTH_OFFSET);
        mac.update((byte) (adjusted >>> 8));
        mac.update((byte) adjusted);
        mac.update(bytes, StunConstants.MAGIC_COOKIE_OFFSET, end - StunConstants.MAGIC_COOKIE_OFFSET);
        return mac.doFinal();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedStun
                && message.equals(((ReceivedStun) o).message)
                && java.util.Arrays.equals(raw, ((ReceivedStun) o).raw)
                && integrityOffset == ((ReceivedStun) o).integrityOffset
                && fingerprintPresent == ((ReceivedStun) o).fingerprintPresent;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "ReceivedStun[" + message + ", " + raw.length + " bytes, integrityOffset=" + integrityOffset
                + ", fingerprint=" + fingerprintPresent + "]";
    }
}
