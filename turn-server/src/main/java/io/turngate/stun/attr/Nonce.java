package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * NONCE, RFC 8489 §14.10: the server-issued nonce, echoed by the client in authenticated requests.
 *
 * <p>UTF-8 on the wire; fewer than 128 characters, which can be as long as 763 bytes when decoding (RFC 8489 §14.10).
 *
 * @param value the text, never {@code null}
 */
public record Nonce(String value) implements StunAttribute {

    /** Largest encoded value in bytes accepted by the codec. */
    public static final int MAX_BYTES = 763;

    public Nonce {
        Objects.requireNonNull(value, "NONCE");
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("NONCE length: found " + n + " bytes (expected: at most " + MAX_BYTES
                    + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.NONCE;
    }
}
