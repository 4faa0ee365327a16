package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static io.turngate.stun.StunFixtures.ALLOC;
import static io.turngate.stun.StunFixtures.rfc5769;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StunHeaderTest {

    @Test
    void recognisesRfc5769Vectors() {
        for (String s : new String[]{"2.1", "2.2", "2.3", "2.4"}) {
            byte[] v = rfc5769(s);
            ByteBuf buf = ALLOC.buffer().writeBytes(v);
            try {
                assertTrue(StunHeader.isStun(buf, 0, v.length), s);
                assertEquals(v.length - 20, StunHeader.messageLength(buf, 0));
                assertEquals(StunConstants.MAGIC_COOKIE, StunHeader.magicCookie(buf, 0));
                assertEquals(0, buf.readerIndex());
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void peeksAtAnOffset() {
        byte[] v = rfc5769("2.2");
        ByteBuf buf = ALLOC.buffer().writeZero(3).writeBytes(v);
        try {
            assertTrue(StunHeader.isStun(buf, 3, v.length));
            assertEquals(0x0101, StunHeader.messageType(buf, 3));
            assertTrue(StunHeader.transactionIdEquals(buf, 3, new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL)));
            assertFalse(StunHeader.transactionIdEquals(buf, 3, new TransactionId(0xb7e7a701, 0)));
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsChannelDataWrongCookieAndWrongLength() {
        byte[] v = rfc5769("2.4");
        assertFalse(check(v, v.length - 4), "length mismatch");
        assertFalse(check(v, 19), "too short");
        byte[] channelData = v.clone();
        channelData[0] = 0x40;
        assertFalse(check(channelData, v.length));
        byte[] cookie = v.clone();
        cookie[7] = 0;
        assertFalse(check(cookie, v.length));
        byte[] odd = Arrays.copyOf(v, v.length + 2);
        odd[3] += 2;
        assertFalse(check(odd, odd.length), "length not a multiple of 4");
    }

    /** Hot-path peeks must not allocate (measured on a non-leak-tracked buffer, after warm-up). */
    @Test
    void peeksDoNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] v = rfc5769("2.1");
        ByteBuf buf = Unpooled.wrappedBuffer(v);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += peek(buf, v.length);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += peek(buf, v.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink > 0);
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 100k peeks");
    }

    private static int peek(ByteBuf buf, int len) {
        return (StunHeader.isStun(buf, 0, len) ? 1 : 0) + StunHeader.messageType(buf, 0)
                + StunHeader.messageLength(buf, 0);
    }

    private static boolean check(byte[] bytes, int length) {
        ByteBuf buf = ALLOC.buffer().writeBytes(bytes);
        try {
            return StunHeader.isStun(buf, 0, length);
        } finally {
            buf.release();
        }
    }
}
