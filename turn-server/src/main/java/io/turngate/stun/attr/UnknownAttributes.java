package io.turngate.stun.attr;

import java.util.List;

/**
 * UNKNOWN-ATTRIBUTES, RFC 8489 §14.13: the 16-bit types of the comprehension-required attributes that caused a 420
 * (Unknown Attribute) error response.
 *
 * @param types attribute types, each 0..0xFFFF
 */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {

    public UnknownAttributes {
        types = List.copyOf(types);
        for (int t : types) {
            if (t < 0 || t > 0xFFFF) {
                throw new IllegalArgumentException("UNKNOWN-ATTRIBUTES type: found " + t + " (expected: 0..0xFFFF)");
            }
        }
    }

    @Override
    public int type() {
        return AttributeType.UNKNOWN_ATTRIBUTES;
    }
}
