package io.turngate.stun;

import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, decoded STUN message, RFC 8489 §5: method, class, transaction ID and the attributes in wire order.
 *
 * <p>Decoded messages contain the {@link io.turngate.stun.attr.MessageIntegrity} and
 * {@link io.turngate.stun.attr.Fingerprint} records where present; attributes that followed MESSAGE-INTEGRITY on the
 * wire (other than FINGERPRINT) are not included (RFC 8489 §14.5). When encoding, integrity and fingerprint records
 * in the list are skipped: the encoder computes the trailer itself (see {@link StunCodec}).
 *
 * @param method         the 12-bit method, see {@link StunMethod}
 * @param messageClass   the class
 * @param transactionId  the 96-bit transaction ID
 * @param attributes     the attributes in wire order, duplicates allowed (first wins on lookup)
 */
public record StunMessage(int method, StunClass messageClass, TransactionId transactionId,
                          List<StunAttribute> attributes) {

    public StunMessage {
        if (method < 0 || method > StunMethod.MAX) {
            throw new IllegalArgumentException("method: found 0x" + Integer.toHexString(method)
                    + " (expected: 0x000..0xFFF)");
        }
        Objects.requireNonNull(messageClass, "messageClass");
        Objects.requireNonNull(transactionId, "transactionId");
        attributes = List.copyOf(attributes);
    }

    /** Convenience factory. */
    public static StunMessage of(int method, StunClass cls, TransactionId id, StunAttribute... attrs) {
        return new StunMessage(method, cls, id, List.of(attrs));
    }

    /** The 14-bit message type, RFC 8489 §5. */
    public int type() {
        return StunMessageType.encode(method, messageClass);
    }

    /** The first attribute of the given record type, or {@code null}. Duplicates: the first one wins. */
    public <T extends StunAttribute> T attribute(Class<T> type) {
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }

    /** All attributes of the given record type, in wire order. */
    public <T extends StunAttribute> List<T> attributes(Class<T> type) {
        List<T> out = new ArrayList<>(2);
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                out.add(type.cast(a));
            }
        }
        return List.copyOf(out);
    }

    /** Whether an attribute with the given wire type is present. */
    public boolean has(int attributeType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attributeType) {
                return true;
            }
        }
        return false;
    }

    /**
     * The distinct wire types of unknown comprehension-required attributes (0x0000–0x7FFF) in wire order: the
     * content of UNKNOWN-ATTRIBUTES in a 420 response, RFC 8489 §6.3.1.1 and §14.13. Empty if none.
     */
    public List<Integer> unknownComprehensionRequired() {
        List<Integer> out = null;
        for (StunAttribute a : attributes) {
            if (a instanceof UnknownAttribute && ((UnknownAttribute) a).comprehensionRequired()) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                if (!out.contains(a.type())) {
                    out.add(a.type());
                }
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    @Override
    public String toString() {
        return StunMessageType.toString(type()) + " " + transactionId + " " + attributes;
    }
}
