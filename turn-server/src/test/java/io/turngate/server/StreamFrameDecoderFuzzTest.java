package io.turngate.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turngate.fuzz.RecordingLeakDetector;
import io.turngate.relay.ChannelData;
import io.turngate.stun.StunConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target (Jazzer) for the TURN-TCP/TLS stream framer ({@link StreamFrameDecoder}, RFC 8656
 * §3.1, §12.5). The input is a byte stream and a seed that cuts it into reads of 1 to 64 bytes, the way TCP may
 * deliver it. Contract: the decoder either frames or fails with its own {@link StreamFrameDecoder.BadStreamException}
 * (no other exception); every frame is a whole STUN message (20 bytes plus its length, with the magic cookie) or a
 * whole ChannelData message (4 bytes plus its length), at most the frame limit, and the frames with ChannelData's
 * padding are exactly the stream's bytes from its start; the frames do not depend on how the stream was cut (the
 * same frames, and the same failure or none, as when it arrives in one read); nothing leaks. Corpus:
 * {@code src/test/resources/io/turngate/server/StreamFrameDecoderFuzzTestInputs/stream/}.
 */
class StreamFrameDecoderFuzzTest {
    private static final int MAX_FRAME = 4096;

    @BeforeAll
    static void leakDetection() {
        RecordingLeakDetector.assertInstalled();
    }

    @AfterAll
    static void noLeak() {
        RecordingLeakDetector.assertNoLeakReported();
    }

    /** What a stream framed into: the frames' bytes, and whether (and after how many frames) it failed. */
    private record Framed(List<byte[]> frames, StreamFrameDecoder.Failure failure) {
    }

    @FuzzTest(maxDuration = "20s")
    void stream(FuzzedDataProvider data) {
        long seed = data.consumeLong();
        byte[] stream = data.consumeRemainingAsBytes();
        Framed whole = frame(stream, null);
        Framed cut = frame(stream, new Random(seed));
        assertEquals(whole.failure(), cut.failure(), "the failure does not depend on how the stream was cut");
        assertEquals(whole.frames().size(), cut.frames().size(), "the frames do not depend on how the stream was cut");
        for (int i = 0; i < whole.frames().size(); i++) {
            assertArrayEquals(whole.frames().get(i), cut.frames().get(i), "frame " + i);
        }
        int at = 0;
        for (byte[] f : whole.frames()) {
            assertTrue(f.length >= ChannelData.HEADER_LENGTH && f.length <= MAX_FRAME, "frame length " + f.length);
            int first = f[0] & 0xFF;
            int consumed;
            if ((first & 0xC0) == 0) {
                int length = ((f[2] & 0xFF) << 8) | (f[3] & 0xFF);
                assertEquals(StunConstants.HEADER_LENGTH + length, f.length, "a whole STUN message");
                assertEquals(0, length & 3);
                assertEquals(StunConstants.MAGIC_COOKIE, ((f[4] & 0xFF) << 24) | ((f[5] & 0xFF) << 16)
                        | ((f[6] & 0xFF) << 8) | (f[7] & 0xFF));
                consumed = f.length;
            } else {
                assertEquals(0x40, first & 0xC0, "ChannelData");
                int length = ((f[2] & 0xFF) << 8) | (f[3] & 0xFF);
                assertEquals(ChannelData.HEADER_LENGTH + length, f.length, "a whole ChannelData message");
                consumed = (f.length + 3) & ~3;
            }
            assertArrayEquals(f, Arrays.copyOfRange(stream, at, at + f.length), "the frame is the stream's bytes");
            at += consumed;
            assertTrue(at <= stream.length);
        }
    }

    /** Feeds {@code stream} to a fresh decoder, in one read ({@code cuts == null}) or in reads of 1..64 bytes. */
    private static Framed frame(byte[] stream, Random cuts) {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamFrameDecoder(MAX_FRAME));
        List<byte[]> frames = new ArrayList<>();
        StreamFrameDecoder.Failure failure = null;
        try {
            int at = 0;
            while (at < stream.length && failure == null) {
                int n = cuts == null ? stream.length : Math.min(stream.length - at, 1 + cuts.nextInt(64));
                ByteBuf in = Unpooled.directBuffer(n).writeBytes(stream, at, n);
                at += n;
                try {
                    ch.writeInbound(in);
                } catch (StreamFrameDecoder.BadStreamException e) {
                    failure = e.failure();
                }
                drain(ch, frames);
            }
        } finally {
            drain(ch, frames);
            ch.finishAndReleaseAll();
        }
        return new Framed(frames, failure);
    }

    private static void drain(EmbeddedChannel ch, List<byte[]> frames) {
        for (ByteBuf f; (f = ch.readInbound()) != null; ) {
            try {
                frames.add(ByteBufUtil.getBytes(f));
            } finally {
                f.release();
            }
        }
    }
}
