package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * REALM, RFC 8489 §14.9: the long-term credential realm, sent by the server in 401/438 and echoed by the client.
 *
 * <p>UTF-8 on the wire; fewer than 128 characters, which can be as long as 763 bytes when decoding (RFC 8489 §14.9).
 *
 * @param value the text, never {@code null}
 */
public record Realm(String value) implements StunAttribute {

    /** Largest encoded value in bytes accepted by the codec. */
    public static final int MAX_BYTES = 763;

    public Realm {
        Objects.requireNonNull(value, "REALM");
        int n = value.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("REALM length: found " + n + " bytes (expected: at most " + MAX_BYTES
                    + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.REALM;
    }
}
