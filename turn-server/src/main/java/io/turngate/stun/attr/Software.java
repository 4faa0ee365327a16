package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * SOFTWARE, RFC 8489 §14.14: a description of the agent's software (comprehension-optional).
 *
 * <p>UTF-8 on the wire; fewer than 128 characters, which can be as long as 763 bytes when decoding (RFC 8489 §14.14).
 *
 * @param value the text, never {@code null}
 */
public record Software(String value) implements StunAttribute {

    /** Largest encoded value in bytes accepted by the codec. */
    public static final int MAX_BYTES = 763;

    public Software {
        Objects.requireNonNull(value, "SOFTWARE");
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("SOFTWARE length: found " + n + " bytes (expected: at most " + MAX_BYTES
                    + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.SOFTWARE;
    }
}
