package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.turngate.auth.LongTermCredentials;
import io.turngate.stun.StunCodecException.Reason;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Fingerprint;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.Software;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static io.turngate.stun.StunFixtures.ALLOC;
import static io.turngate.stun.StunFixtures.attr;
import static io.turngate.stun.StunFixtures.message;
import static io.turngate.stun.StunFixtures.decode;
import static io.turngate.stun.StunFixtures.encode;
import static io.turngate.stun.StunFixtures.hex;
import static io.turngate.stun.StunFixtures.rfc5769;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** RFC 5769 vectors, real-world captures and malformed input against {@link StunCodec}. */
class StunCodecTest {

    /** RFC 5769 §2.1–2.3 short-term password; the key is its UTF-8 bytes (SASLprep leaves it unchanged). */
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final String MATRIX_USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    private static final byte[] LONG_TERM_KEY = LongTermCredentials.key(MATRIX_USER, "example.org", "TheMatrIX");
    private static final TransactionId RFC5769_TID_1 = new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL);
    private static final TransactionId RFC5769_TID_4 = new TransactionId(0x78ad3433, 0xc6ad72c029da412eL);

    // ------------------------------------------------------------------ RFC 5769 §2.1 sample request

    @Test
    void rfc5769SampleRequestDecodesWithAllAttributes() throws Exception {
        byte[] vector = rfc5769("2.1");
        ReceivedStun r = decode(vector);
        StunMessage m = r.message();
        assertEquals(StunMethod.BINDING, m.method());
        assertEquals(StunClass.REQUEST, m.messageClass());
        assertEquals(RFC5769_TID_1, m.transactionId());
        assertEquals(List.of(
                new Software("STUN test client"),
                new UnknownAttribute(AttributeType.PRIORITY, hex("6e0001ff")),
                new UnknownAttribute(AttributeType.ICE_CONTROLLED, hex("932ff9b151263b36")),
                new Username("evtj:h6vY"),
                new MessageIntegrity(hex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")),
                new Fingerprint(0xe57a3bcfL)), m.attributes());
        assertEquals(List.of(AttributeType.PRIORITY), m.unknownComprehensionRequired());
        assertTrue(r.fingerprintPresent());
        assertEquals(vector.length - 24 - 8, r.integrityOffset());
        assertArrayEquals(vector, r.raw());
    }

    @Test
    void rfc5769SampleRequestIntegrityVerifiesWithShortTermKeyOnly() throws Exception {
        ReceivedStun r = decode(rfc5769("2.1"));
        assertTrue(r.hasIntegrity());
        assertTrue(r.verifyIntegrity(SHORT_TERM_KEY));
        assertFalse(r.verifyIntegrity("VOkJxbRl1RmTxUk/WvJxBT".getBytes(StandardCharsets.UTF_8)));
        assertFalse(r.verifyIntegrity(new byte[0]));
        assertFalse(r.verifyIntegrity(null));
    }

    /**
     * §2.1 pads USERNAME with spaces; our encoder pads with zeros, so the expected bytes are the vector with zeroed
     * padding and a trailer recomputed by an independent oracle (checked against the vectors in
     * {@link #oracleReproducesPublishedTrailers}).
     */
    @Test
    void rfc5769SampleRequestReEncodesWithZeroPadding() throws Exception {
        byte[] vector = rfc5769("2.1");
        ReceivedStun r = decode(vector);
        byte[] encoded = encode(r.message(), SHORT_TERM_KEY, true);
        byte[] expected = appendTrailer(zeroPadding(Arrays.copyOf(vector, r.integrityOffset())), SHORT_TERM_KEY, true);
        assertEquals(hex(expected), hex(encoded));
        assertEquals(vector.length, encoded.length);
        ReceivedStun again = decode(encoded);
        assertTrue(again.verifyIntegrity(SHORT_TERM_KEY));
        assertEquals(r.message().attributes().subList(0, 4), again.message().attributes().subList(0, 4));
    }

    // ------------------------------------------------------------------ RFC 5769 §2.2 / §2.3 responses

    @Test
    void rfc5769Ipv4ResponseDecodesXorMappedAddress() throws Exception {
        ReceivedStun r = decode(rfc5769("2.2"));
        StunMessage m = r.message();
        assertEquals(StunMethod.BINDING, m.method());
        assertEquals(StunClass.SUCCESS_RESPONSE, m.messageClass());
        assertEquals(RFC5769_TID_1, m.transactionId());
        assertEquals(new Software("test vector"), m.attribute(Software.class));
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) 192, 0, 2, 1}), 32853),
                m.attribute(XorMappedAddress.class).address());
        assertTrue(r.verifyIntegrity(SHORT_TERM_KEY));
        assertTrue(r.fingerprintPresent());
        assertEquals(new Fingerprint(0xc07d4c96L), m.attribute(Fingerprint.class));
    }

    @Test
    void rfc5769Ipv6ResponseDecodesXorMappedAddress() throws Exception {
        ReceivedStun r = decode(rfc5769("2.3"));
        InetSocketAddress a = r.message().attribute(XorMappedAddress.class).address();
        assertEquals(InetAddress.getByAddress(hex("20010db8123456780011223344556677")), a.getAddress());
        assertEquals(16, a.getAddress().getAddress().length);
        assertEquals(32853, a.getPort());
        assertTrue(r.verifyIntegrity(SHORT_TERM_KEY));
        assertTrue(r.fingerprintPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.2", "2.3"})
    void rfc5769ResponsesReEncodeWithZeroPadding(String section) throws Exception {
        byte[] vector = rfc5769(section);
        ReceivedStun r = decode(vector);
        byte[] encoded = encode(r.message(), SHORT_TERM_KEY, true);
        byte[] expected = appendTrailer(zeroPadding(Arrays.copyOf(vector, r.integrityOffset())), SHORT_TERM_KEY, true);
        assertEquals(hex(expected), hex(encoded));
    }

    // ------------------------------------------------------------------ RFC 5769 §2.4 long-term

    @Test
    void rfc5769LongTermRequestDecodesAndVerifies() throws Exception {
        ReceivedStun r = decode(rfc5769("2.4"));
        StunMessage m = r.message();
        assertEquals(RFC5769_TID_4, m.transactionId());
        assertEquals(new Username(MATRIX_USER), m.attribute(Username.class));
        assertEquals(new Nonce("f//499k954d6OL34oL9FSTvy64sA"), m.attribute(Nonce.class));
        assertEquals(new Realm("example.org"), m.attribute(Realm.class));
        assertFalse(r.fingerprintPresent());
        assertNull(m.attribute(Fingerprint.class));
        assertEquals("e8ca7ad59d5eb0518e312911d2dab2a9", hex(LONG_TERM_KEY));
        assertTrue(r.verifyIntegrity(LONG_TERM_KEY));
        assertFalse(r.verifyIntegrity(SHORT_TERM_KEY));
    }

    /** coturn's encoding test: rebuild §2.4 from its parameters and compare byte for byte. */
    @Test
    void rfc5769LongTermRequestReEncodesByteExact() {
        StunMessage m = StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, RFC5769_TID_4,
                new Username(MATRIX_USER), new Nonce("f//499k954d6OL34oL9FSTvy64sA"), new Realm("example.org"));
        assertEquals(hex(rfc5769("2.4")), hex(encode(m, LONG_TERM_KEY, false)));
    }

    @Test
    void oracleReproducesPublishedTrailers() throws Exception {
        for (String s : List.of("2.1", "2.2", "2.3", "2.4")) {
            byte[] vector = rfc5769(s);
            ReceivedStun r = decode(vector);
            byte[] key = s.equals("2.4") ? LONG_TERM_KEY : SHORT_TERM_KEY;
            assertEquals(hex(vector), hex(appendTrailer(Arrays.copyOf(vector, r.integrityOffset()), key,
                    r.fingerprintPresent())), s);
        }
    }

    // ------------------------------------------------------------------ negative tests from the vectors

    @ParameterizedTest
    @ValueSource(strings = {"2.1", "2.2", "2.3"})
    void flippedByteFailsFingerprint(String section) {
        byte[] v = rfc5769(section);
        v[27] = 23; // coturn turnutils_rfc5769check
        StunCodecException e = assertThrows(StunCodecException.class, () -> decode(v));
        assertEquals(Reason.BAD_FINGERPRINT, e.reason());
        assertTrue(e.getMessage().contains("expected: 0x"), e.getMessage());
        assertEquals(0x0001, StunMessageType.method(e.messageType()));
        assertNotNull(e.transactionId());
    }

    /** coturn sets byte 32 to 10, inside the UTF-8 USERNAME: our strict UTF-8 decoding rejects the message. */
    @Test
    void flippedUsernameByteIsRejectedAsBadUtf8() {
        byte[] v = rfc5769("2.4");
        v[32] = 10;
        assertEquals(Reason.BAD_VALUE, assertThrows(StunCodecException.class, () -> decode(v)).reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 19, 30, 50, 70, 90, 100})
    void flippedByteFailsLongTermIntegrity(int offset) throws Exception {
        byte[] v = rfc5769("2.4");
        v[offset] ^= 0x01; // tid, USERNAME header, NONCE, REALM, MI value: all stay well-formed
        ReceivedStun r = decode(v);
        assertFalse(r.verifyIntegrity(LONG_TERM_KEY), "offset " + offset);
    }

    @Test
    void everyTruncationIsRejected() {
        for (String s : List.of("2.1", "2.2", "2.3", "2.4")) {
            byte[] v = rfc5769(s);
            for (int n = 0; n < v.length; n++) {
                byte[] cut = Arrays.copyOf(v, n);
                StunCodecException e = assertThrows(StunCodecException.class, () -> decode(cut), s + " cut " + n);
                assertEquals(Reason.TRUNCATED, e.reason(), s + " cut " + n + ": " + e.getMessage());
            }
        }
    }

    @Test
    void trailingBytesAfterMessageAreBadLength() {
        byte[] v = Arrays.copyOf(rfc5769("2.4"), rfc5769("2.4").length + 4);
        assertEquals(Reason.BAD_LENGTH, assertThrows(StunCodecException.class, () -> decode(v)).reason());
    }

    @Test
    void lengthNotMultipleOfFourIsBadLength() {
        byte[] v = Arrays.copyOf(rfc5769("2.4"), rfc5769("2.4").length + 2);
        v[3] += 2;
        StunCodecException e = assertThrows(StunCodecException.class, () -> decode(v));
        assertEquals(Reason.BAD_LENGTH, e.reason());
        assertTrue(e.getMessage().contains("(expected: a multiple of 4)"), e.getMessage());
    }

    @Test
    void nonZeroTopBitsAreNotStun() {
        byte[] v = rfc5769("2.4");
        v[0] |= 0x40; // looks like ChannelData 0x4001
        assertEquals(Reason.NOT_STUN, assertThrows(StunCodecException.class, () -> decode(v)).reason());
    }

    @Test
    void wrongMagicCookieIsRejectedWithHeaderInfo() {
        byte[] v = rfc5769("2.4");
        v[4] = 0;
        StunCodecException e = assertThrows(StunCodecException.class, () -> decode(v));
        assertEquals(Reason.BAD_MAGIC_COOKIE, e.reason());
        assertEquals(0x0001, e.messageType());
        assertEquals(RFC5769_TID_4, e.transactionId());
        assertTrue(e.getMessage().contains("found 0x0012a442 (expected: 0x2112a442)"), e.getMessage());
    }

    @Test
    void attributeOverrunningMessageIsBadAttributeLength() {
        byte[] v = rfc5769("2.4");
        v[23] = (byte) 0xFF; // USERNAME length 0x00FF
        StunCodecException e = assertThrows(StunCodecException.class, () -> decode(v));
        assertEquals(Reason.BAD_ATTRIBUTE_LENGTH, e.reason());
        assertTrue(e.getMessage().startsWith("BAD_ATTRIBUTE_LENGTH: USERNAME at offset 20: found length 255"),
                e.getMessage());
    }

    @Test
    void messageIntegrityOfWrongLengthIsRejected() {
        byte[] v = message(0x0001, attr(AttributeType.MESSAGE_INTEGRITY, new byte[16]));
        assertEquals(Reason.BAD_ATTRIBUTE_LENGTH, assertThrows(StunCodecException.class, () -> decode(v)).reason());
    }

    /** RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (except FINGERPRINT) are ignored, not acted upon. */
    @Test
    void attributesAfterMessageIntegrityAreIgnored() throws Exception {
        byte[] v = rfc5769("2.4");
        byte[] extra = attr(AttributeType.XOR_PEER_ADDRESS, hex("0001a147e112a643"));
        byte[] tampered = Arrays.copyOf(v, v.length + extra.length);
        System.arraycopy(extra, 0, tampered, v.length, extra.length);
        tampered[3] += extra.length;
        ReceivedStun r = decode(tampered);
        assertNull(r.message().attribute(XorPeerAddress.class));
        assertEquals(4, r.message().attributes().size());
        assertTrue(r.verifyIntegrity(LONG_TERM_KEY));
    }

    @Test
    void fingerprintMustBeLast() {
        byte[] v = rfc5769("2.2");
        byte[] extra = attr(AttributeType.SOFTWARE, "x".getBytes(StandardCharsets.UTF_8));
        byte[] t = Arrays.copyOf(v, v.length + extra.length);
        System.arraycopy(extra, 0, t, v.length, extra.length);
        t[3] += extra.length;
        StunCodecException e = assertThrows(StunCodecException.class, () -> decode(t));
        assertEquals(Reason.BAD_FINGERPRINT, e.reason());
        assertTrue(e.getMessage().contains("must be the last attribute"), e.getMessage());
    }

    @Test
    void fingerprintWithoutIntegrityIsVerified() throws Exception {
        StunMessage m = StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TransactionId.random());
        byte[] ok = encode(m, null, true);
        assertTrue(decode(ok).fingerprintPresent());
        assertFalse(decode(ok).hasIntegrity());
        ok[ok.length - 1] ^= 1;
        assertEquals(Reason.BAD_FINGERPRINT, assertThrows(StunCodecException.class, () -> decode(ok)).reason());
    }

    /** Bounded random mutation: decode either succeeds or throws StunCodecException, nothing else. */
    @Test
    void randomMutationsNeverThrowAnythingElse() {
        Random random = new Random(5769);
        List<byte[]> corpus = new ArrayList<>();
        for (String s : List.of("2.1", "2.2", "2.3", "2.4")) {
            corpus.add(rfc5769(s));
        }
        corpus.addAll(StunFixtures.chromeAllocateCapture());
        int decoded = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] v = corpus.get(random.nextInt(corpus.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = 20 + random.nextInt(v.length - 20); // keep the header so attribute parsing is exercised
                v[at] = (byte) random.nextInt(256);
            }
            try {
                decode(v);
                decoded++;
            } catch (StunCodecException expected) {
                assertNotNull(expected.reason());
            } catch (RuntimeException e) {
                fail("mutation " + i + " of " + hex(v) + " threw " + e, e);
            }
        }
        assertTrue(decoded > 0, "some mutations (e.g. inside MESSAGE-INTEGRITY) must still decode");
    }

    // ------------------------------------------------------------------ real-world capture

    @Test
    void chromeAllocateCaptureDecodes() throws Exception {
        List<byte[]> capture = StunFixtures.chromeAllocateCapture();

        StunMessage allocate = decode(capture.get(0)).message();
        assertEquals(StunMethod.ALLOCATE, allocate.method());
        assertEquals(StunClass.REQUEST, allocate.messageClass());
        UnknownAttribute origin = allocate.attribute(UnknownAttribute.class);
        assertEquals(AttributeType.ORIGIN, origin.type());
        assertFalse(origin.comprehensionRequired());
        assertEquals("http://localhost:3000/", new String(origin.value(), StandardCharsets.US_ASCII));
        assertEquals(RequestedTransport.UDP, allocate.attribute(RequestedTransport.class).protocol());
        assertEquals(List.of(), allocate.unknownComprehensionRequired());

        ReceivedStun challenge = decode(capture.get(1));
        assertEquals(StunClass.ERROR_RESPONSE, challenge.message().messageClass());
        assertEquals(new ErrorCodeAttribute(401, "Unauthorized"),
                challenge.message().attribute(ErrorCodeAttribute.class));
        assertEquals("5a0209b5cb806106", challenge.message().attribute(Nonce.class).value());
        assertEquals("a1.cydev.ru", challenge.message().attribute(Realm.class).value());
        assertEquals("Coturn-4.5.0.3 'dan Eider'", challenge.message().attribute(Software.class).value());

        ReceivedStun authenticated = decode(capture.get(2));
        assertEquals("ernado", authenticated.message().attribute(Username.class).value());
        assertTrue(authenticated.hasIntegrity());
        assertFalse(authenticated.fingerprintPresent());

        StunMessage success = decode(capture.get(3)).message();
        assertEquals(StunClass.SUCCESS_RESPONSE, success.messageClass());
        assertEquals(600, success.attribute(Lifetime.class).seconds());
        assertNotNull(success.attribute(XorRelayedAddress.class).address().getAddress());
        assertNotNull(success.attribute(XorMappedAddress.class).address().getAddress());
    }

    // ------------------------------------------------------------------ encoding

    @Test
    void emptyMessageEncodesToBareHeader() {
        StunMessage m = StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, RFC5769_TID_1);
        assertEquals("000100002112a442b7e7a701bc34d686fa87dfae", hex(encode(m, null, false)));
    }

    @Test
    void allocateSuccessRoundTripsWithIntegrityAndFingerprint() throws Exception {
        TransactionId id = TransactionId.random();
        List<StunAttribute> attrs = List.of(
                new XorRelayedAddress(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 49152)),
                new XorRelayedAddress(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 49153)),
                new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 61000)),
                new Lifetime(600),
                new Software("turngate"));
        StunMessage m = new StunMessage(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, id, attrs);
        byte[] key = LongTermCredentials.key("user", "realm", "pass");
        ReceivedStun r = decode(encode(m, key, true));
        assertEquals(m.type(), r.message().type());
        assertEquals(id, r.message().transactionId());
        assertEquals(attrs, r.message().attributes().subList(0, attrs.size()));
        assertInstanceOf(MessageIntegrity.class, r.message().attributes().get(attrs.size()));
        assertInstanceOf(Fingerprint.class, r.message().attributes().get(attrs.size() + 1));
        assertTrue(r.verifyIntegrity(key));
        assertTrue(r.fingerprintPresent());
    }

    @Test
    void integrityAndFingerprintRecordsInTheListAreRecomputed() throws Exception {
        StunMessage m = StunMessage.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, RFC5769_TID_1,
                new Fingerprint(1), new MessageIntegrity(new byte[20]), new Software("x"));
        ReceivedStun r = decode(encode(m, SHORT_TERM_KEY, true));
        assertEquals(List.of(AttributeType.SOFTWARE, AttributeType.MESSAGE_INTEGRITY, AttributeType.FINGERPRINT),
                r.message().attributes().stream().map(StunAttribute::type).toList());
        assertTrue(r.verifyIntegrity(SHORT_TERM_KEY));
        assertEquals(28, encode(m, null, false).length); // header + SOFTWARE "x" padded: records skipped
    }

    @Test
    void encodeAppendsAtWriterIndex() throws Exception {
        StunMessage m = StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, RFC5769_TID_1, new Software("abc"));
        ByteBuf out = ALLOC.buffer();
        try {
            out.writeInt(0xdeadbeef);
            StunCodec.encode(m, out, SHORT_TERM_KEY, true);
            out.skipBytes(4);
            ReceivedStun r = StunCodec.decode(out);
            assertEquals(m.attributes(), r.message().attributes().subList(0, 1));
            assertTrue(r.verifyIntegrity(SHORT_TERM_KEY));
        } finally {
            out.release();
        }
    }

    @Test
    void oversizedMessageFailsAndRestoresWriterIndex() {
        StunMessage m = StunMessage.of(StunMethod.SEND, StunClass.INDICATION, RFC5769_TID_1,
                new Data(new byte[40000]), new Data(new byte[40000]));
        ByteBuf out = ALLOC.buffer();
        try {
            out.writeByte(7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StunCodec.encode(m, out, null, false));
            assertTrue(e.getMessage().contains("(expected: at most 65535)"), e.getMessage());
            assertEquals(1, out.writerIndex());
        } finally {
            out.release();
        }
        // The allocating variant releases its buffer on failure (paranoid leak detection would report it).
        assertThrows(IllegalArgumentException.class, () -> StunCodec.encode(m, ALLOC, null, false));
        assertThrows(IllegalArgumentException.class,
                () -> StunCodec.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, RFC5769_TID_1),
                        ALLOC, new byte[0], false));
    }

    @Test
    void attributeValueOver65535BytesIsRejected() {
        StunMessage m = StunMessage.of(StunMethod.SEND, StunClass.INDICATION, RFC5769_TID_1,
                new Data(new byte[70000]));
        assertThrows(IllegalArgumentException.class, () -> encode(m, null, false));
    }

    // ------------------------------------------------------------------ helpers (independent of the codec)

    /** Copy with every attribute's padding bytes set to zero. */
    static byte[] zeroPadding(byte[] message) {
        byte[] out = message.clone();
        int pos = 20;
        while (pos + 4 <= out.length) {
            int len = ((out[pos + 2] & 0xFF) << 8) | (out[pos + 3] & 0xFF);
            int padded = (len + 3) & ~3;
            Arrays.fill(out, Math.min(out.length, pos + 4 + len), Math.min(out.length, pos + 4 + padded), (byte) 0);
            pos += 4 + padded;
        }
        return out;
    }

    /** RFC 8489 §14.5/§14.7 trailer computed with plain JDK primitives, as an oracle for the encoder. */
    static byte[] appendTrailer(byte[] prefix, byte[] key, boolean fingerprint) throws Exception {
        byte[] m = prefix.clone();
        if (key != null) {
            setLength(m, m.length - 20 + 24);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            m = concat(m, attr(AttributeType.MESSAGE_INTEGRITY, mac.doFinal(m)));
        }
        if (fingerprint) {
            setLength(m, m.length - 20 + 8);
            CRC32 crc = new CRC32();
            crc.update(m);
            int fp = (int) crc.getValue() ^ 0x5354554E;
            m = concat(m, attr(AttributeType.FINGERPRINT,
                    new byte[]{(byte) (fp >> 24), (byte) (fp >> 16), (byte) (fp >> 8), (byte) fp}));
        }
        setLength(m, m.length - 20);
        return m;
    }

    private static void setLength(byte[] m, int length) {
        m[2] = (byte) (length >> 8);
        m[3] = (byte) length;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
