package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * DATA, RFC 8656 §18.4: the application payload of a Send or Data indication (any length, possibly zero).
 *
 * <p>Control-plane record: the array is not copied, callers must not modify it. The relay hot path does not build
 * this record at all (it forwards buffer slices). Equality compares contents.
 *
 * @param value the payload bytes
 */
public record Data(byte[] value) implements StunAttribute {

    public Data {
        Objects.requireNonNull(value, "DATA");
    }

    @Override
    public int type() {
        return AttributeType.DATA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data && Arrays.equals(value, ((Data) o).value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Data[" + value.length + " bytes]";
    }
}
