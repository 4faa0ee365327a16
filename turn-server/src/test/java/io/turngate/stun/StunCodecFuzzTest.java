package io.turngate.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.turngate.fuzz.RecordingLeakDetector;
import io.turngate.stun.attr.Fingerprint;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.MessageIntegritySha256;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz targets (Jazzer) for the STUN codec, RFC 8489 §5, §14. Without {@code JAZZER_FUZZ} they replay
 * the corpus in {@code src/test/resources/io/turngate/stun/StunCodecFuzzTestInputs/<method>/} (RFC 5769 vectors,
 * Chromium and coturn captures, crashes found); with it they fuzz (README "Fuzzing").
 *
 * <p>The contract checked for every input:
 * <ul>
 *   <li>{@link StunCodec#decode} returns a message or throws {@link StunCodecException} whose message says what it
 *       found and what it expected; nothing else escapes;</li>
 *   <li>it leaves the buffer's indices and reference count alone, and nothing leaks (every buffer is pooled and
 *       tracked by Netty's paranoid leak detector, see {@link RecordingLeakDetector});</li>
 *   <li>re-encoding a decoded message gives back an equal message: same method, class, transaction ID and attributes
 *       in order; MESSAGE-INTEGRITY and FINGERPRINT are present again where they were and recomputed (the codec
 *       writes the trailer itself), so only their values differ; attributes after MESSAGE-INTEGRITY other than
 *       FINGERPRINT were dropped by the decoder and stay dropped (RFC 8489 §14.5);</li>
 *   <li>encoding is then a fixed point: the re-encoded bytes decode and encode to the same bytes.</li>
 * </ul>
 */
class StunCodecFuzzTest {
    /** Pooled (tracked at paranoid level) direct buffers: the receive path's kind of memory. */
    private static final ByteBufAllocator POOLED = StunFixtures.ALLOC;
    /** The HMAC key of re-encoded messages: any non-empty key will do, the check is that it verifies. */
    private static final byte[] KEY = "fuzz-key".getBytes(StandardCharsets.UTF_8);
    /** Header of the synthetic message {@link #attribute} decodes a value from: type 0x0001, cookie. */
    private static final int ATTRIBUTE_INPUT_HEADER = 2 + TransactionId.LENGTH;

    @BeforeAll
    static void leakDetection() {
        RecordingLeakDetector.assertInstalled();
    }

    @AfterAll
    static void noLeak() {
        RecordingLeakDetector.assertNoLeakReported();
    }

    /** One datagram: {@link StunCodec#decode}, then the round trip. */
    @FuzzTest(maxDuration = "20s")
    void decode(byte[] datagram) {
        ByteBuf buf = POOLED.directBuffer(datagram.length).writeBytes(datagram);
        try {
            ReceivedStun received;
            try {
                received = StunCodec.decode(buf);
            } catch (StunCodecException e) {
                assertTypedError(e);
                return;
            } finally {
                assertUntouched(buf, datagram.length);
            }
            assertArrayEquals(datagram, received.raw(), "raw bytes");
            received.verifyIntegrity(KEY); // any answer, but no exception
            roundTrip(received);
        } finally {
            buf.release();
        }
    }

    /**
     * One attribute value through {@code AttributeCodec}: input = 2 bytes attribute type, 12 bytes transaction ID
     * (the XOR key of the address attributes, with the magic cookie), then the value. The decoded record has the
     * wire type, and its encoding decodes to an equal record.
     */
    @FuzzTest(maxDuration = "20s")
    void attribute(byte[] input) {
        if (input.length < ATTRIBUTE_INPUT_HEADER || input.length - ATTRIBUTE_INPUT_HEADER > 0xFFFF) {
            return;
        }
        int type = ((input[0] & 0xFF) << 8) | (input[1] & 0xFF);
        byte[] tidBytes = Arrays.copyOfRange(input, 2, ATTRIBUTE_INPUT_HEADER);
        byte[] value = Arrays.copyOfRange(input, ATTRIBUTE_INPUT_HEADER, input.length);
        TransactionId tid = TransactionId.read(tidBytes, 0);
        StunAttribute decoded;
        try {
            decoded = decodeValue(type, tid, value);
        } catch (StunCodecException e) {
            assertTypedError(e);
            return;
        }
        assertEquals(type, decoded.type(), "type of " + decoded);
        ByteBuf out = POOLED.heapBuffer();
        try {
            AttributeCodec.encodeValue(decoded, out, xorKey(tid));
            StunAttribute again;
            try {
                again = decodeValue(type, tid, ByteBufUtil.getBytes(out));
            } catch (StunCodecException e) {
                throw new AssertionError("the encoding of " + decoded + " does not decode: " + e.getMessage(), e);
            }
            assertEquals(decoded, again, "decode(encode(decode(value)))");
        } finally {
            out.release();
        }
    }

    private static StunAttribute decodeValue(int type, TransactionId tid, byte[] value) throws StunCodecException {
        byte[] raw = new byte[StunConstants.HEADER_LENGTH + value.length];
        raw[1] = 0x01; // Binding request
        raw[2] = (byte) (value.length >>> 8);
        raw[3] = (byte) value.length;
        System.arraycopy(xorKey(tid), 0, raw, StunConstants.MAGIC_COOKIE_OFFSET, 16);
        System.arraycopy(value, 0, raw, StunConstants.HEADER_LENGTH, value.length);
        return AttributeCodec.decode(type, raw, StunConstants.HEADER_LENGTH, value.length,
                StunMessageType.BINDING_REQUEST, tid);
    }

    /** Magic cookie || transaction ID, RFC 8489 §14.2. */
    private static byte[] xorKey(TransactionId tid) {
        byte[] key = new byte[16];
        key[0] = 0x21;
        key[1] = 0x12;
        key[2] = (byte) 0xA4;
        key[3] = 0x42;
        System.arraycopy(tid.toBytes(), 0, key, 4, TransactionId.LENGTH);
        return key;
    }

    private static void roundTrip(ReceivedStun received) {
        StunMessage message = received.message();
        // The encoder writes one integrity attribute, of the algorithm asked for (RFC 8489 §14.5, §14.6): SHA-1 when
        // the datagram had MESSAGE-INTEGRITY, else SHA-256 (untruncated) when it had MESSAGE-INTEGRITY-SHA256 alone.
        boolean sha256Only = !received.hasIntegrity() && received.hasIntegritySha256();
        byte[] key = received.hasIntegrity() || sha256Only ? KEY : null;
        IntegrityAlgorithm algorithm = sha256Only ? IntegrityAlgorithm.SHA256 : IntegrityAlgorithm.SHA1;
        // An unpooled allocator that counts its memory: after release the count must be back where it was, which
        // also covers a buffer the encoder might allocate and lose on a failure path.
        UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true, false);
        ByteBuf encoded;
        try {
            encoded = StunCodec.encode(message, counting, key, algorithm, received.fingerprintPresent());
        } catch (RuntimeException e) {
            throw new AssertionError("a decoded message does not encode: " + message, e);
        }
        byte[] bytes;
        try {
            assertEquals(1, encoded.refCnt(), "refCnt of the encoded buffer");
            ReceivedStun again = decodeOrFail(encoded, message);
            assertEquals(comparable(message), comparable(again.message()), "decode(encode(decode(datagram)))");
            assertEquals(received.hasIntegrity(), again.hasIntegrity(), "MESSAGE-INTEGRITY present");
            assertEquals(received.fingerprintPresent(), again.fingerprintPresent(), "FINGERPRINT present");
            assertEquals(sha256Only, again.hasIntegritySha256(), "MESSAGE-INTEGRITY-SHA256 present (alone)");
            if (again.hasIntegrity()) {
                assertTrue(again.verifyIntegrity(KEY), "the recomputed MESSAGE-INTEGRITY verifies");
            }
            if (again.hasIntegritySha256()) {
                assertTrue(again.verifyIntegritySha256(KEY), "the recomputed MESSAGE-INTEGRITY-SHA256 verifies");
            }
            bytes = ByteBufUtil.getBytes(encoded);
            ByteBuf twice = StunCodec.encode(again.message(), POOLED, key, algorithm, again.fingerprintPresent());
            try {
                assertEquals(ByteBufUtil.hexDump(bytes), ByteBufUtil.hexDump(twice), "encode is a fixed point");
            } finally {
                twice.release();
            }
        } finally {
            encoded.release();
        }
        assertEquals(0, encoded.refCnt(), "refCnt after release");
        assertEquals(0, counting.metric().usedDirectMemory() + counting.metric().usedHeapMemory(),
                "memory the encoder's allocator still holds");
    }

    private static ReceivedStun decodeOrFail(ByteBuf encoded, StunMessage original) {
        try {
            ReceivedStun again = StunCodec.decode(encoded);
            assertEquals(0, encoded.readerIndex(), "reader index after decode");
            return again;
        } catch (StunCodecException e) {
            throw new AssertionError("the encoding of a decoded message does not decode (" + e.getMessage() + "): "
                    + original + "\n" + ByteBufUtil.prettyHexDump(encoded), e);
        }
    }

    /** The message with the values of MESSAGE-INTEGRITY and FINGERPRINT left out (the encoder recomputes them). */
    private static List<Object> comparable(StunMessage m) {
        List<Object> out = new ArrayList<>();
        out.add(m.method());
        out.add(m.messageClass());
        out.add(m.transactionId());
        for (StunAttribute a : m.attributes()) {
            if (a instanceof MessageIntegritySha256) {
                continue; // re-encoded only when it was alone (and untruncated): its presence is checked apart
            } else if (a instanceof MessageIntegrity) {
                out.add("MESSAGE-INTEGRITY");
            } else if (a instanceof Fingerprint) {
                out.add("FINGERPRINT");
            } else if (a instanceof UnknownAttribute u) {
                out.add("UnknownAttribute " + u.type() + " " + ByteBufUtil.hexDump(u.value()));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** The error is the codec's own, with a reason and a message in the "found X (expected: Y)" form. */
    static void assertTypedError(StunCodecException e) {
        assertTrue(e.reason() != null, "reason");
        assertTrue(e.getMessage().contains("(expected: "), () -> "message says what was expected: " + e.getMessage());
    }

    private static void assertUntouched(ByteBuf buf, int length) {
        assertEquals(0, buf.readerIndex(), "reader index");
        assertEquals(length, buf.writerIndex(), "writer index");
        assertEquals(1, buf.refCnt(), "refCnt: decode must neither retain nor release");
    }
}
