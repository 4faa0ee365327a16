package io.turngate.stun;

import io.turngate.stun.attr.MessageIntegritySha256;

import javax.crypto.Mac;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A decoded STUN message together with the exact bytes it was decoded from, so that MESSAGE-INTEGRITY and
 * MESSAGE-INTEGRITY-SHA256 can be checked later (once the key is known), RFC 8489 §14.5, §14.6.
 *
 * <p>The {@code raw} array is owned by this record and must not be modified.
 *
 * @param message            the decoded message
 * @param raw                the exact bytes of the STUN message (header included)
 * @param integrityOffset    offset in {@code raw} of the MESSAGE-INTEGRITY attribute header, {@code -1} if absent
 * @param sha256Offset       offset in {@code raw} of the MESSAGE-INTEGRITY-SHA256 attribute header, {@code -1} if
 *                           absent (its value length is in the raw bytes: 16..32, checked by the codec)
 * @param fingerprintPresent whether a (valid) FINGERPRINT was present; the codec rejects invalid ones
 */
public record ReceivedStun(StunMessage message, byte[] raw, int integrityOffset, int sha256Offset,
                           boolean fingerprintPresent) {

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
        if (sha256Offset != -1) {
            int valueLength = sha256Offset >= StunConstants.HEADER_LENGTH
                    && sha256Offset <= raw.length - StunConstants.ATTRIBUTE_HEADER_LENGTH
                    ? ((raw[sha256Offset + 2] & 0xFF) << 8) | (raw[sha256Offset + 3] & 0xFF) : -1;
            if (!MessageIntegritySha256.isValidLength(valueLength)
                    || sha256Offset + StunConstants.ATTRIBUTE_HEADER_LENGTH + valueLength > raw.length) {
                throw new IllegalArgumentException("sha256Offset: found " + sha256Offset
                        + " (expected: -1 or the offset of a MESSAGE-INTEGRITY-SHA256 attribute)");
            }
        }
    }

    /** A message without MESSAGE-INTEGRITY-SHA256. */
    public ReceivedStun(StunMessage message, byte[] raw, int integrityOffset, boolean fingerprintPresent) {
        this(message, raw, integrityOffset, -1, fingerprintPresent);
    }

    /** Whether the message carried MESSAGE-INTEGRITY. */
    public boolean hasIntegrity() {
        return integrityOffset >= 0;
    }

    /** Whether the message carried MESSAGE-INTEGRITY-SHA256. */
    public boolean hasIntegritySha256() {
        return sha256Offset >= 0;
    }

    /** The value length of MESSAGE-INTEGRITY-SHA256 (16..32; 32 when untruncated), or -1 if absent. */
    public int integritySha256Length() {
        return sha256Offset < 0 ? -1 : ((raw[sha256Offset + 2] & 0xFF) << 8) | (raw[sha256Offset + 3] & 0xFF);
    }

    /**
     * Checks MESSAGE-INTEGRITY-SHA256 with the given key, RFC 8489 §14.6: HMAC-SHA256 over the message up to
     * (excluding) the attribute, with the header length field set as if the attribute were the last one; the received
     * value, which may be truncated to its first 16..32 bytes, is compared (constant-time) with as many leading bytes
     * of the HMAC. Whether a truncated value is acceptable is the STUN usage's call ({@link #integritySha256Length}).
     *
     * @param key the long-term key (16 bytes MD5 or 32 bytes SHA-256, RFC 8489 §18.5.1) or the short-term key
     * @return {@code false} if there is no MESSAGE-INTEGRITY-SHA256, the key is empty, or the HMAC does not match
     */
    public boolean verifyIntegritySha256(byte[] key) {
        if (sha256Offset < 0 || key == null || key.length == 0) {
            return false;
        }
        int length = integritySha256Length();
        int adjusted = sha256Offset - StunConstants.HEADER_LENGTH + StunConstants.ATTRIBUTE_HEADER_LENGTH + length;
        Mac mac = HmacSha256.withKey(key);
        mac.update(raw, 0, StunConstants.LENGTH_OFFSET);
        mac.update((byte) (adjusted >>> 8));
        mac.update((byte) adjusted);
        mac.update(raw, StunConstants.MAGIC_COOKIE_OFFSET, sha256Offset - StunConstants.MAGIC_COOKIE_OFFSET);
        byte[] full = mac.doFinal();
        byte[] expected = new byte[length];
        System.arraycopy(full, 0, expected, 0, length);
        byte[] actual = new byte[length];
        System.arraycopy(raw, sha256Offset + StunConstants.ATTRIBUTE_HEADER_LENGTH, actual, 0, length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** {@link #verifyIntegritySha256} for {@link IntegrityAlgorithm#SHA256}, else {@link #verifyIntegrity}. */
    public boolean verify(IntegrityAlgorithm algorithm, byte[] key) {
        return algorithm == IntegrityAlgorithm.SHA256 ? verifyIntegritySha256(key) : verifyIntegrity(key);
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
                && sha256Offset == ((ReceivedStun) o).sha256Offset
                && fingerprintPresent == ((ReceivedStun) o).fingerprintPresent;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "ReceivedStun[" + message + ", " + raw.length + " bytes, integrityOffset=" + integrityOffset
                + ", sha256Offset=" + sha256Offset + ", fingerprint=" + fingerprintPresent + "]";
    }
}
