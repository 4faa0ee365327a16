package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChannelData accessors (RFC 8656 §12.4, §12.5) and the RFC 7983 first-byte demultiplexing rule. */
class ChannelDataTest {

    /** {@code prefix} junk bytes, then the given bytes. */
    private static ByteBuf at(int prefix, int... bytes) {
        ByteBuf b = Unpooled.buffer(prefix + bytes.length);
        b.writeZero(prefix);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    @Test
    void demultiplexesOnTheTopTwoBits() {
        for (int first = 0; first < 256; first++) {
            ByteBuf b = at(2, first, 0, 0, 0);
            try {
                assertEquals(first >= 0x40 && first <= 0x7F, ChannelData.isChannelData(b, 2), "first byte " + first);
            } finally {
                b.release();
            }
        }
    }

    @Test
    void readsNumberAndLengthAtAnOffset() {
        ByteBuf b = at(7, 0x4A, 0xBC, 0x01, 0x02, 1, 2, 3);
        try {
            assertEquals(0x4ABC, ChannelData.channelNumber(b, 7));
            assertEquals(0x0102, ChannelData.length(b, 7));
        } finally {
            b.release();
        }
    }

    @Test
    void isCompleteEdgeCases() {
        // header only, length 0: complete
        ByteBuf empty = at(0, 0x40, 0x00, 0x00, 0x00);
        // exact, unpadded (3 data bytes)
        ByteBuf exact = at(1, 0x40, 0x01, 0x00, 0x03, 1, 2, 3);
        // padded to 4: trailing byte ignored
        ByteBuf padded = at(0, 0x40, 0x01, 0x00, 0x03, 1, 2, 3, 0);
        // one byte short
        ByteBuf shortBy1 = at(0, 0x40, 0x01, 0x00, 0x04, 1, 2, 3);
        // maximum length field, nearly nothing behind it
        ByteBuf huge = at(0, 0x7F, 0xFF, 0xFF, 0xFF, 1);
        try {
            assertTrue(ChannelData.isComplete(empty, 0, 4));
            assertTrue(ChannelData.isComplete(exact, 1, 7));
            assertTrue(ChannelData.isComplete(padded, 0, 8));
            assertFalse(ChannelData.isComplete(shortBy1, 0, 7));
            assertFalse(ChannelData.isComplete(huge, 0, 5));
            // the readable count, not the buffer's capacity, decides
            assertFalse(ChannelData.isComplete(exact, 1, 6));
            // fewer than 4 readable bytes is never complete and never reads past them
            ByteBuf three = at(0, 0x40, 0x00, 0x00);
            try {
                assertFalse(ChannelData.isComplete(three, 0, 3));
                assertFalse(ChannelData.isComplete(three, 0, 0));
            } finally {
                three.release();
            }
        } finally {
            empty.release();
            exact.release();
            padded.release();
            shortBy1.release();
            huge.release();
        }
    }

    @Test
    void writeHeaderRoundTrips() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x99);
            ChannelData.writeHeader(out, 0x7FFE, 1500);
            assertEquals(5, out.writerIndex());
            assertTrue(ChannelData.isChannelData(out, 1));
            assertEquals(0x7FFE, ChannelData.channelNumber(out, 1));
            assertEquals(1500, ChannelData.length(out, 1));
            assertFalse(ChannelData.isComplete(out, 1, 4), "1500 data bytes announced, none written");
            out.writeZero(1500);
            assertTrue(ChannelData.isComplete(out, 1, out.writerIndex() - 1));
        } finally {
            out.release();
        }
    }
}
