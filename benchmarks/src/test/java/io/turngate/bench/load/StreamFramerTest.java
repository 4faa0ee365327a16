package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Lifetime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client-side framing of TURN over TCP and TLS (RFC 8656 §3.1, ChannelData padding §12.5). */
class StreamFramerTest {

    /** Collects copies of the frames a framer delivers. */
    private static final class Frames implements StreamFramer.Sink {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void onFrame(ByteBuf buf, int offset, int length) {
            byte[] copy = new byte[length];
            buf.getBytes(offset, copy);
            frames.add(copy);
        }
    }

    private static byte[] channelData(int channel, int length, boolean padded) {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeChannelDataHeader(b, channel, length);
            for (int i = 0; i < length; i++) {
                b.writeByte(i + 1); // non-zero, so a payload byte is never mistaken for padding
            }
            if (padded) {
                Wire.writePadding(b, length);
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] stunResponse() throws Exception {
        StunMessage m = new StunMessage(StunMethod.REFRESH, StunClass.SUCCESS_RESPONSE, new TransactionId(1, 2L),
                List.of(new Lifetime(600)));
        ByteBuf b = Unpooled.buffer();
        try {
            StunCodec.encode(m, b, null, true);
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
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static byte[] withoutPadding(byte[] padded, int length) {
        byte[] out = new byte[Wire.CHANNEL_DATA_HEADER + length];
        System.arraycopy(padded, 0, out, 0, out.length);
        return out;
    }

    /** Feeds {@code stream} in pieces ending at {@code cuts} (each a pooled buffer, released after the call). */
    private static Frames feed(StreamFramer framer, byte[] stream, int... cuts) {
        Frames sink = new Frames();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            ByteBuf piece = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, to - from));
            try {
                piece.writeBytes(stream, from, to - from);
                framer.feed(piece, sink);
                assertEquals(0, piece.readableBytes(), "every byte of a read is consumed");
            } finally {
                piece.release();
            }
            from = to;
        }
        return sink;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 100, 101, 102, 103})
    void channelDataOnAStreamTakesItsPaddingButTheFrameIsDeliveredWithoutIt(int length) {
        byte[] padded = channelData(0x4000, length, true);
        assertEquals(0, padded.length % 4, "RFC 8656 §12.5: padded to a multiple of 4");
        byte[] next = channelData(0x4001, 8, true);
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 4096);
        try {
            Frames f = feed(framer, concat(padded, next));
            assertEquals(2, f.frames.size(), "the padding must not be read as the start of the next frame");
            assertArrayEquals(withoutPadding(padded, length), f.frames.get(0));
            assertArrayEquals(next, f.frames.get(1));
            assertEquals(0, framer.pendingBytes());
        } finally {
            framer.release();
        }
    }

    @Test
    void everySplitPointOfStunAndChannelDataGivesTheSameFrames() throws Exception {
        byte[] a = channelData(0x4000, 101, true);
        byte[] stun = stunResponse();
        byte[] b = channelData(0x4ABC, 3, true);
        byte[] stream = concat(a, stun, b);
        List<byte[]> expected = List.of(withoutPadding(a, 101), stun, withoutPadding(b, 3));
        for (int first = 0; first <= stream.length; first++) {
            for (int second = first; second <= stream.length; second += 7) {
                StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 4096);
                try {
                    Frames f = feed(framer, stream, first, second);
                    assertEquals(expected.size(), f.frames.size(), "cuts at " + first + " and " + second);
                    for (int i = 0; i < expected.size(); i++) {
                        assertArrayEquals(expected.get(i), f.frames.get(i), "frame " + i + ", cuts at " + first
                                + " and " + second);
                    }
                    assertEquals(0, framer.pendingBytes());
                } finally {
                    framer.release();
                }
            }
        }
    }

    @Test
    void oneByteAtATimeStillGivesEveryFrame() throws Exception {
        byte[] stream = concat(stunResponse(), channelData(0x4000, 1, true), channelData(0x4000, 1400, true));
        int[] cuts = new int[stream.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 4096);
        try {
            Frames f = feed(framer, stream, cuts);
            assertEquals(3, f.frames.size());
            assertEquals(Wire.CHANNEL_DATA_HEADER + 1400, f.frames.get(2).length);
        } finally {
            framer.release();
        }
    }

    @Test
    void aFrameCutBeforeItsEndIsHeldUntilTheRestArrives() {
        byte[] a = channelData(0x4000, 10, true);
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 4096);
        try {
            Frames f = new Frames();
            ByteBuf head = Unpooled.wrappedBuffer(a, 0, 9);
            framer.feed(head, f);
            assertEquals(0, f.frames.size());
            assertEquals(9, framer.pendingBytes());
            framer.feed(Unpooled.wrappedBuffer(a, 9, a.length - 9), f);
            assertEquals(1, f.frames.size());
            assertEquals(0, framer.pendingBytes());
        } finally {
            framer.release();
        }
    }

    @Test
    void aFirstByteThatIsNeitherStunNorChannelDataIsAnOutOfStepStream() {
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 4096);
        try {
            CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
                    () -> framer.feed(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 4, 1, 2, 3, 4}),
                            new Frames()));
            assertTrue(e.getMessage().contains("0x80"), e.getMessage());
        } finally {
            framer.release();
        }
    }

    @Test
    void aFrameLongerThanTheLimitIsRefusedBeforeItIsBuffered() {
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 1500);
        try {
            // ChannelData announcing 1,500 bytes: 1,504 on the stream, over the limit. Only the header has arrived.
            CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
                    () -> framer.feed(Unpooled.wrappedBuffer(new byte[] {0x40, 0, 0x05, (byte) 0xDC}), new Frames()));
            assertTrue(e.getMessage().contains("1504"), e.getMessage());
        } finally {
            framer.release();
        }
    }

    @Test
    void aFrameAtTheLimitIsAccepted() {
        StreamFramer framer = new StreamFramer(PooledByteBufAllocator.DEFAULT, 1504);
        try {
            Frames f = feed(framer, channelData(0x4000, 1500, true), 700);
            assertEquals(1, f.frames.size());
        } finally {
            framer.release();
        }
    }
}
