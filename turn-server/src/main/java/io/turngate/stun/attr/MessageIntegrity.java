package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * MESSAGE-INTEGRITY, RFC 8489 §14.5: the 20-byte HMAC-SHA1 over the message up to this attribute.
 *
 * <p>Decoded messages carry this record for information; verification uses the raw bytes
 * ({@code io.turngate.stun.ReceivedStun#verifyIntegrity}). The encoder ignores this record and computes the value
 * itself from the key it is given. Equality compares contents; the array is not copied.
 *
 * @param hmac exactly 20 bytes
 */
public record MessageIntegrity(byte[] hmac) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 20;

    public MessageIntegrity {
        Objects.requireNonNull(hmac, "hmac");
        if (hmac.length != LENGTH) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY length: found " + hmac.length + " (expected: "
                    + LENGTH + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageIntegrity && Arrays.equals(hmac, ((MessageIntegrity) o).hmac);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hmac);
    }

    @Override
    public String toString() {
        return "MessageIntegrity[20 bytes]";
    }
}
