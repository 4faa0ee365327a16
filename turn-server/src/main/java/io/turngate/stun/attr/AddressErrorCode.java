package io.turngate.stun.attr;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * ADDRESS-ERROR-CODE, RFC 8656 §18.12: in the success response to a dual Allocate (§7.2, ADDITIONAL-ADDRESS-FAMILY),
 * why the relayed address of one family could not be allocated, e.g. 440 for IPv6 where the server has none. Wire
 * form as ERROR-CODE (RFC 8489 §14.8) except the first byte, which is the family: Family (8 bits), 13 reserved bits,
 * Class (3 bits), Number (8 bits), a UTF-8 reason phrase.
 *
 * @param family {@link RequestedAddressFamily#IPV4} or {@link RequestedAddressFamily#IPV6} (0..255 decode)
 * @param code   300..699
 * @param reason the reason phrase, never {@code null}
 * @param draft  numbered {@code 0x8033} as coturn before 4.8.0 expects (the answer to a {@code 0x8032}
 *               ADDITIONAL-ADDRESS-FAMILY), rather than RFC 8656's {@code 0x8001}
 */
public record AddressErrorCode(int family, int code, String reason, boolean draft) implements StunAttribute {

    public AddressErrorCode {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("ADDRESS-ERROR-CODE family: found " + family + " (expected: 0..255)");
        }
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("ADDRESS-ERROR-CODE: found " + code + " (expected: 300..699)");
        }
        Objects.requireNonNull(reason, "reason");
        int n = reason.getBytes(StandardCharsets.UTF_8).length;
        if (n > ErrorCodeAttribute.MAX_REASON_BYTES) {
            throw new IllegalArgumentException("ADDRESS-ERROR-CODE reason length: found " + n
                    + " bytes (expected: at most " + ErrorCodeAttribute.MAX_REASON_BYTES + ")");
        }
    }

    /** RFC 8656's ADDRESS-ERROR-CODE {@code 0x8001}. */
    public AddressErrorCode(int family, int code, String reason) {
        this(family, code, reason, false);
    }

    @Override
    public int type() {
        return draft ? AttributeType.ADDRESS_ERROR_CODE_DRAFT : AttributeType.ADDRESS_ERROR_CODE;
    }
}
