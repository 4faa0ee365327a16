package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Software;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/**
 * {@link StreamFrameDecoder} in an {@link EmbeddedChannel}: how RFC 8656 §12.5 and RFC 8489 §5 frame a TCP or TLS
 * stream, whatever the reads the network makes of it.
 */
class StreamFrameDecoderTest {
    private static final int MAX = 2048;
    private final EmbeddedChannel ch = new EmbeddedChannel(new StreamFrameDecoder(MAX));

    private static byte[] binding() {
        return TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random(),
                new Software("frame-test")), null, true);
    }

    private void write(byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private byte[] read() {
        ByteBuf b = ch.readInbound();
        if (b == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void stunMessageSplitAcrossReadsIsOneFrame() {
        byte[] msg = binding();
        write(Arrays.copyOfRange(msg, 0, 3));          // less than a ChannelData header
        assertNull(read());
        write(Arrays.copyOfRange(msg, 3, 19));         // the header is not complete yet
        assertNull(read());
        write(Arrays.copyOfRange(msg, 19, msg.length - 1));
        assertNull(read());
        write(Arrays.copyOfRange(msg, msg.length - 1, msg.length));
        assertArrayEquals(msg, read());
        assertNull(read());
        assertFalse(ch.finish());
    }

    @Test
    void twoFramesInOneReadAreTwoFrames() {
        byte[] stun = binding();
        byte[] data = TestTurnClient.channelDataBytes(0x4001, new byte[] {1, 2, 3, 4, 5}, true);
        write(concat(stun, data));
        assertArrayEquals(stun, read());
        assertArrayEquals(Arrays.copyOf(data, 4 + 5), read(), "ChannelData without its padding");
        assertNull(read());
        assertFalse(ch.finish());
    }

    @Test
    void channelDataPaddingIsConsumedBeforeTheNextFrame() {
        byte[] first = TestTurnClient.channelDataBytes(0x4000, new byte[] {9}, true);         // 4 + 1 + 3 padding
        byte[] second = TestTurnClient.channelDataBytes(0x4FFF, new byte[] {7, 7, 7, 7}, true); // no padding needed
        assertEquals(8, first.length);
        write(concat(first, second));
        assertArrayEquals(new byte[] {0x40, 0x00, 0, 1, 9}, read());
        assertArrayEquals(second, read());
        assertFalse(ch.finish());
    }

    @Test
    void channelDataWaitsForItsPadding() {
        byte[] padded = TestTurnClient.channelDataBytes(0x4002, new byte[] {1, 2}, true); // 4 + 2 + 2 padding
        write(Arrays.copyOf(padded, 6)); // data complete, padding not yet
        assertNull(read(), "a frame is complete with its padding (RFC 8656 §12.5)");
        write(new byte[2]);
        assertArrayEquals(Arrays.copyOf(padded, 6), read());
        assertFalse(ch.finish());
    }

    @Test
    void zeroLengthChannelDataIsAFrame() {
        write(new byte[] {0x40, 0x05, 0, 0});
        assertArrayEquals(new byte[] {0x40, 0x05, 0, 0}, read());
        assertFalse(ch.finish());
    }

    @Test
    void frameOverTheLimitFailsAsOversizedAndTheRestIsDiscarded() {
        byte[] header = {0x40, 0x01, (byte) ((MAX - 3) >>> 8), (byte) (MAX - 3)}; // 4 + MAX-3 > MAX
        StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                () -> write(header));
        assertEquals(StreamFrameDecoder.Failure.OVERSIZED, e.failure());
        write(binding()); // after a failure nothing more is framed
        assertNull(read());
        assertFalse(ch.finish());
    }

    @Test
    void frameAtTheLimitIsAccepted() {
        byte[] data = new byte[MAX - 4];
        write(TestTurnClient.channelDataBytes(0x4001, data, true));
        byte[] frame = read();
        assertEquals(MAX, frame.length);
        assertFalse(ch.finish());
    }

    @Test
    void stunAnnouncingMoreThanTheLimitFailsBeforeItArrives() {
        byte[] msg = binding();
        msg[2] = (byte) 0xFF; // length 0xFFFC: over the limit, a multiple of 4
        msg[3] = (byte) 0xFC;
        StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                () -> write(Arrays.copyOf(msg, 20)));
        assertEquals(StreamFrameDecoder.Failure.OVERSIZED, e.failure());
        assertFalse(ch.finish());
    }

    @Test
    void tlsClientHelloOnATcpListenerFailsAsNotTurn() {
        // A TLS record header (0x16 0x03 0x01, length 0x0200) looks like a STUN header up to the magic cookie
        byte[] hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03};
        StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                () -> write(hello));
        assertEquals(StreamFrameDecoder.Failure.NOT_TURN, e.failure());
        assertFalse(ch.finish());
    }

    @Test
    void channelNumbersOfRfc5766RangeAreFramed() {
        // 0x5000..0x7FFF: RFC 5766 §11 channel numbers (coturn's client picks them); framed, the core decides
        byte[] frame = TestTurnClient.channelDataBytes(0x6FA6, new byte[] {1, 2, 3, 4}, true);
        write(frame);
        assertArrayEquals(frame, read());
        assertFalse(ch.finish());
    }

    @Test
    void firstByteWithTopBitsTenOrElevenFailsAsNotTurn() {
        for (int first : new int[] {0x80, 0xBF, 0xC0, 0xFF}) {
            EmbeddedChannel c = new EmbeddedChannel(new StreamFrameDecoder(MAX));
            StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                    () -> c.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) first, 0, 0, 4, 1, 2, 3, 4})));
            assertEquals(StreamFrameDecoder.Failure.NOT_TURN, e.failure());
            assertFalse(c.finish());
        }
        assertFalse(ch.finish());
    }

    @Test
    void stunHeaderWithoutMagicCookieFailsAsNotTurn() {
        byte[] msg = binding();
        msg[4] = 0; // RFC 3489 style header: no magic cookie
        StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                () -> write(Arrays.copyOf(msg, 8)));
        assertEquals(StreamFrameDecoder.Failure.NOT_TURN, e.failure());
        assertFalse(ch.finish());
    }

    @Test
    void stunLengthThatIsNotAMultipleOfFourFailsAsNotTurn() {
        byte[] msg = binding();
        msg[3] = (byte) (msg[3] + 1);
        StreamFrameDecoder.BadStreamException e = assertThrows(StreamFrameDecoder.BadStreamException.class,
                () -> write(msg));
        assertEquals(StreamFrameDecoder.Failure.NOT_TURN, e.failure());
        assertFalse(ch.finish());
    }
}
