package io.turngate.stun;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 8489 §5 Figure 3: method and class bits interleaved in the 14-bit message type. */
class StunMessageTypeTest {

    @Test
    void wellKnownTypesMatchTheRfcs() {
        assertEquals(0x0001, StunMessageType.encode(StunMethod.BINDING, StunClass.REQUEST));
        assertEquals(0x0011, StunMessageType.encode(StunMethod.BINDING, StunClass.INDICATION));
        assertEquals(0x0101, StunMessageType.encode(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE));
        assertEquals(0x0111, StunMessageType.encode(StunMethod.BINDING, StunClass.ERROR_RESPONSE));
        assertEquals(0x0003, StunMessageType.encode(StunMethod.ALLOCATE, StunClass.REQUEST));
        assertEquals(0x0103, StunMessageType.encode(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE));
        assertEquals(0x0113, StunMessageType.encode(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE));
        assertEquals(0x0016, StunMessageType.encode(StunMethod.SEND, StunClass.INDICATION));
        assertEquals(0x0017, StunMessageType.encode(StunMethod.DATA, StunClass.INDICATION));
        assertEquals(0x0109, StunMessageType.encode(StunMethod.CHANNEL_BIND, StunClass.SUCCESS_RESPONSE));
        assertEquals(StunMessageType.SEND_INDICATION, StunMessageType.encode(StunMethod.SEND, StunClass.INDICATION));
        assertEquals(StunMessageType.DATA_INDICATION, StunMessageType.encode(StunMethod.DATA, StunClass.INDICATION));
        assertEquals(0x3EEF, StunMessageType.encode(0xFFF, StunClass.REQUEST));
        assertEquals(0x3FFF, StunMessageType.encode(0xFFF, StunClass.ERROR_RESPONSE));
    }

    @Test
    void everyMethodAndClassRoundTrips() {
        for (int method = 0; method <= StunMethod.MAX; method++) {
            for (StunClass cls : StunClass.values()) {
                int type = StunMessageType.encode(method, cls);
                assertEquals(0, type & 0xC000);
                assertEquals(method, StunMessageType.method(type));
                assertEquals(cls, StunMessageType.messageClass(type));
            }
        }
    }

    @Test
    void methodOutOfRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StunMessageType.encode(0x1000, StunClass.REQUEST));
        assertEquals("method: found 0x1000 (expected: 0x000..0xFFF)", e.getMessage());
    }

    @Test
    void namesForLogs() {
        assertEquals("Allocate error response", StunMessageType.toString(0x0113));
        assertEquals("Send indication", StunMessageType.toString(0x0016));
        assertEquals("ChannelBind", StunMethod.name(StunMethod.CHANNEL_BIND));
        assertEquals("0x0FF", StunMethod.name(0xFF));
    }
}
