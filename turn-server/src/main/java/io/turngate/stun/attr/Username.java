package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * USERNAME, RFC 8489 §14.3: the user name for MESSAGE-INTEGRITY (short-term or long-term credentials).
 *
 * <p>UTF-8 on the wire; it MUST contain fewer than 513 bytes (RFC 8489 §14.3). The string is used exactly as received;
 * no SASLprep/OpaqueString processing is applied.
 *
 * @param value the text, never {@code null}
 */
public record Username(String value) implements StunAttribute {

    /** Largest encoded value in bytes accepted by the codec. */
    public static final int MAX_BYTES = 512;

    public Username {
        Objects.requireNonNull(value, "USERNAME");
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("USERNAME length: found " + n + " bytes (expected: at most " + MAX_BYTES
                    + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.USERNAME;
    }
}
