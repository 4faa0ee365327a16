package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * ERROR-CODE, RFC 8489 §14.8: a numeric code 300..699 (wire form: Class = code / 100 in 3 bits, Number = code % 100
 * in 8 bits, after 21 reserved bits) and a UTF-8 reason phrase of fewer than 128 characters (at most 763 bytes).
 * See {@code io.turngate.stun.ErrorCode} for the registry of codes.
 *
 * @param code   300..699
 * @param reason the reason phrase, never {@code null} (may be empty)
 */
public record ErrorCodeAttribute(int code, String reason) implements StunAttribute {

    /** Largest encoded reason phrase in bytes accepted by the codec. */
    public static final int MAX_REASON_BYTES = 763;

    public ErrorCodeAttribute {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("ERROR-CODE: found " + code + " (expected: 300..699)");
        }
        Objects.requireNonNull(reason, "reason");
        int n = reason.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("ERROR-CODE reason length: found " + n + " bytes (expected: at most "
                    + MAX_REASON_BYTES + ")");
        }
    }

    /** The "Class" field, 3..6. */
    public int errorClass() {
        return code / 100;
    }

    /** The "Number" field, 0..99. */
    public int number() {
        return code % 100;
    }

    @Override
    public int type() {
        return AttributeType.ERROR_CODE;
    }
}
