package io.turngate.stun;

import io.turngate.stun.attr.ErrorCodeAttribute;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrorCodeTest {

    @Test
    void registeredCodesAreCachedConstants() {
        assertSame(ErrorCode.UNAUTHORIZED, ErrorCode.valueOf(401));
        assertSame(ErrorCode.STALE_NONCE, ErrorCode.valueOf(438));
        assertSame(ErrorCode.INSUFFICIENT_CAPACITY, ErrorCode.valueOf(508));
        assertEquals("Allocation Mismatch", ErrorCode.ALLOCATION_MISMATCH.reason());
        assertEquals("486 Allocation Quota Reached", ErrorCode.ALLOCATION_QUOTA_REACHED.toString());
        assertEquals(4, ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH.errorClass());
        assertEquals(43, ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH.number());
    }

    @Test
    void unknownCodesPassThrough() {
        ErrorCode c = ErrorCode.valueOf(599);
        assertEquals(599, c.code());
        assertEquals("Unknown", c.reason());
        assertEquals(ErrorCode.valueOf(599), c);
        assertThrows(IllegalArgumentException.class, () -> ErrorCode.valueOf(299));
        assertThrows(IllegalArgumentException.class, () -> ErrorCode.valueOf(700));
    }

    @Test
    void convertsToAttribute() {
        assertEquals(new ErrorCodeAttribute(420, "Unknown Attribute"), ErrorCode.UNKNOWN_ATTRIBUTE.toAttribute());
        assertEquals(new ErrorCodeAttribute(400, ""), ErrorCode.BAD_REQUEST.toAttribute(""));
    }
}
