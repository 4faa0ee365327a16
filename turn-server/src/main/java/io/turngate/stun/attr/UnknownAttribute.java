package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * Any attribute the codec does not decode into a typed record (RFC 8489 §14: "unknown" attributes), e.g. ORIGIN,
 * PRIORITY, ICE-CONTROLLED, MESSAGE-INTEGRITY-SHA256. Kept so that comprehension-required ones can be reported in a
 * 420 response (RFC 8489 §6.3.1.1, §14.13) and optional ones can be ignored. Re-encodes as the same type and bytes.
 *
 * @param type  the 16-bit attribute type
 * @param value the value bytes without padding (not copied; equality compares contents)
 */
public record UnknownAttribute(int type, byte[] value) implements StunAttribute {

    public UnknownAttribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("attribute type: found " + type + " (expected: 0..0xFFFF)");
        }
        Objects.requireNonNull(value, "value");
    }

    /** Whether the type is in the comprehension-required range 0x0000–0x7FFF, RFC 8489 §14. */
    public boolean comprehensionRequired() {
        return AttributeType.isComprehensionRequired(type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownAttribute && ((UnknownAttribute) o).type == type
                && Arrays.equals(value, ((UnknownAttribute) o).value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "UnknownAttribute[" + AttributeType.name(type) + ", " + value.length + " bytes]";
    }
}
