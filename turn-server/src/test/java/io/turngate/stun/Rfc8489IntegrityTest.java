package io.turngate.stun;

import io.turngate.stun.StunCodecException.Reason;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.MessageIntegritySha256;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.Software;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UserHash;
import io.turngate.stun.attr.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import static io.turngate.stun.StunFixtures.TID;
import static io.turngate.stun.StunFixtures.attr;
import static io.turngate.stun.StunFixtures.hex;
import static io.turngate.stun.StunFixtures.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 8489 additions to the codec: PASSWORD-ALGORITHM(S) (§14.11, §14.12), USERHASH (§14.4) and
 * MESSAGE-INTEGRITY-SHA256 (§14.6, with its truncation rule and its place after MESSAGE-INTEGRITY, §9), checked
 * against an HMAC oracle written here from the RFC text, and the Appendix B.1 test vector.
 */
class Rfc8489IntegrityTest {

    /**
     * RFC 8489 Appendix B.1 with verified erratum 6268 (message length 0x90, PASSWORD-ALGORITHM SHA-256, the
     * MESSAGE-INTEGRITY-SHA256 value): a Binding request with USERHASH, NONCE, REALM, PASSWORD-ALGORITHM and
     * MESSAGE-INTEGRITY-SHA256. Username "マトリックス", password "TheMatrIX" (after OpaqueString), realm
     * "example.org".
     */
    static final byte[] B1 = hex("00010090 2112a442 78ad3433 c6ad72c0 29da412e"
            + "001e0020 4a3cf38f ef6992bd a952c678 0417da0f 24819415 569e60b2 05c46e41 407f1704"
            + "00150029 6f624d61 744a6f73 32414141 43662f2f 3439396b 39353464 364f4c33 346f4c39"
            + "         46535476 79363473 41000000"
            + "0014000b 6578616d 706c652e 6f726700"
            + "001d0004 00020000"
            + "001c0020 b5c7bf00 5b6c52a2 1c51c5e8 92f81924 136296cb 927c4314 9309278c c6518e65");
    static final String B1_USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    static final String B1_REALM = "example.org";
    static final String B1_PASSWORD = "TheMatrIX";
    static final String B1_NONCE = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";

    private static final byte[] KEY = "a long-term key of sixteen+ bytes".getBytes(StandardCharsets.US_ASCII);

    // ------------------------------------------------------------------ oracle

    static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Appends an integrity attribute of {@code type} with {@code length} value bytes to {@code msg} (a whole message),
     * as §14.5/§14.6 describe: the length field counts the new attribute, the HMAC covers everything before it, the
     * value is its first {@code length} bytes. Returns the new message.
     */
    static byte[] sign(byte[] msg, int type, int length, byte[] key) throws Exception {
        byte[] out = Arrays.copyOf(msg, msg.length + 4 + length);
        int bodyLength = out.length - 20;
        out[2] = (byte) (bodyLength >> 8);
        out[3] = (byte) bodyLength;
        String alg = type == AttributeType.MESSAGE_INTEGRITY ? "HmacSHA1" : "HmacSHA256";
        Mac mac = Mac.getInstance(alg);
        mac.init(new SecretKeySpec(key, alg));
        mac.update(out, 0, msg.length);
        byte[] hmac = mac.doFinal();
        out[msg.length] = (byte) (type >> 8);
        out[msg.length + 1] = (byte) type;
        out[msg.length + 2] = 0;
        out[msg.length + 3] = (byte) length;
        System.arraycopy(hmac, 0, out, msg.length + 4, length);
        return out;
    }

    private static byte[] request() {
        return message(0x0003, attr(AttributeType.USERNAME, "alice".getBytes(StandardCharsets.UTF_8)),
                attr(AttributeType.REALM, "example.org".getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void passwordAlgorithmsRoundTripInPreferenceOrder() throws Exception {
        PasswordAlgorithms offer = PasswordAlgorithms.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);
        byte[] wire = StunFixtures.encode(StunMessage.of(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, TID, offer),
                null, false);
        assertEquals("80020008" + "00020000" + "00010000", hex(Arrays.copyOfRange(wire, 20, wire.length)));
        PasswordAlgorithms back = StunFixtures.decode(wire).message().attribute(PasswordAlgorithms.class);
        assertEquals(offer, back);
        assertEquals(PasswordAlgorithm.SHA256, back.algorithms().get(0).algorithm());
        assertTrue(back.contains(PasswordAlgorithm.of(PasswordAlgorithm.MD5)));
        assertFalse(back.contains(PasswordAlgorithm.of(0x0003)));
    }

    @Test
    void passwordAlgorithmWithParametersIsPaddedAndPaddingIgnored() throws Exception {
        PasswordAlgorithm a = new PasswordAlgorithm(0x8001, new byte[] {1, 2, 3});
        byte[] wire = StunFixtures.encode(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TID, a), null, false);
        assertEquals("001d0008" + "80010003" + "01020300", hex(Arrays.copyOfRange(wire, 20, wire.length)));
        assertEquals(a, StunFixtures.decode(wire).message().attribute(PasswordAlgorithm.class));
        // RFC 8489 §14.12: padding bits MUST be ignored by the receiver.
        byte[] dirty = message(0x0003, attr(AttributeType.PASSWORD_ALGORITHM, hex("8001000301020377")));
        assertEquals(a, StunFixtures.decode(dirty).message().attribute(PasswordAlgorithm.class));
    }

    @Test
    void malformedPasswordAlgorithmsAreRejected() {
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.PASSWORD_ALGORITHM, hex("0002"));
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.PASSWORD_ALGORITHMS, new byte[0]);
        // parameters length runs past the attribute
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.PASSWORD_ALGORITHMS, hex("00020004000100"));
        // a dangling partial entry
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.PASSWORD_ALGORITHMS, hex("000200000001"));
        // PASSWORD-ALGORITHM holds exactly one algorithm
        assertRejected(Reason.BAD_VALUE, AttributeType.PASSWORD_ALGORITHM, hex("0002000000010000"));
    }

    @Test
    void userHashIsExactly32Bytes() throws Exception {
        byte[] h = sha256("alice:example.org");
        byte[] wire = StunFixtures.encode(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TID, new UserHash(h)),
                null, false);
        assertArrayEquals(h, StunFixtures.decode(wire).message().attribute(UserHash.class).hash());
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.USERHASH, new byte[31]);
        assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.USERHASH, new byte[33]);
    }

    private static void assertRejected(Reason reason, int type, byte[] value) {
        StunCodecException e = assertThrows(StunCodecException.class,
                () -> StunFixtures.decode(message(0x0003, attr(type, value))), AttributeType.name(type));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("(expected: "), e.getMessage());
    }

    // ------------------------------------------------------------------ MESSAGE-INTEGRITY-SHA256

    @Test
    void encoderSignsWithFull32ByteSha256ThatTheOracleReproduces() throws Exception {
        StunMessage m = StunMessage.of(StunMethod.REFRESH, StunClass.REQUEST, TID, new Username("alice"),
                new Realm("example.org"));
        byte[] unsigned = StunFixtures.encode(m, null, false);
        byte[] expected = sign(unsigned, AttributeType.MESSAGE_INTEGRITY_SHA256, 32, KEY);
        assertArrayEquals(expected, StunFixtures.encodeWith(m, KEY, IntegrityAlgorithm.SHA256, false),
                "HMAC-SHA256 over the adjusted header");
        byte[] wire = StunFixtures.encodeWith(m, KEY, IntegrityAlgorithm.SHA256, true);
        ReceivedStun r = StunFixtures.decode(wire);
        assertTrue(r.fingerprintPresent());
        assertFalse(r.hasIntegrity());
        assertTrue(r.hasIntegritySha256());
        assertEquals(32, r.integritySha256Length());
        assertTrue(r.verifyIntegritySha256(KEY));
        assertTrue(r.verify(IntegrityAlgorithm.SHA256, KEY));
        assertFalse(r.verifyIntegrity(KEY), "no MESSAGE-INTEGRITY to verify");
        assertFalse(r.verifyIntegritySha256("another key of sixteen bytes".getBytes(StandardCharsets.US_ASCII)));
        assertInstanceOf(MessageIntegritySha256.class, r.message().attributes().get(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 20, 24, 28, 32})
    void truncatedValuesVerifyOnTheirLeadingBytes(int length) throws Exception {
        byte[] wire = sign(request(), AttributeType.MESSAGE_INTEGRITY_SHA256, length, KEY);
        ReceivedStun r = StunFixtures.decode(wire);
        assertEquals(length, r.integritySha256Length());
        assertTrue(r.verifyIntegritySha256(KEY));
        wire[wire.length - 1] ^= 1;
        assertFalse(StunFixtures.decode(wire).verifyIntegritySha256(KEY), "last compared byte flipped");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 12, 18, 30, 36, 64})
    void lengthsOutside16To32OrNotMultipleOf4AreRejected(int length) {
        byte[] wire = message(0x0003, attr(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[length]));
        StunCodecException e = assertThrows(StunCodecException.class, () -> StunFixtures.decode(wire));
        assertEquals(Reason.BAD_ATTRIBUTE_LENGTH, e.reason());
    }

    @Test
    void bothIntegritiesVerifyEachOverItsOwnPrefixAndLaterAttributesAreIgnored() throws Exception {
        byte[] withSha1 = sign(request(), AttributeType.MESSAGE_INTEGRITY, 20, KEY);
        byte[] withBoth = sign(withSha1, AttributeType.MESSAGE_INTEGRITY_SHA256, 32, KEY);
        byte[] extra = attr(AttributeType.SOFTWARE, "after".getBytes(StandardCharsets.UTF_8));
        byte[] wire = Arrays.copyOf(withBoth, withBoth.length + extra.length);
        System.arraycopy(extra, 0, wire, withBoth.length, extra.length);
        wire[2] = (byte) ((wire.length - 20) >> 8);
        wire[3] = (byte) (wire.length - 20);
        ReceivedStun r = StunFixtures.decode(wire);
        assertTrue(r.verifyIntegrity(KEY), "MESSAGE-INTEGRITY with the length pointing at its own end");
        assertTrue(r.verifyIntegritySha256(KEY), "MESSAGE-INTEGRITY-SHA256 after it");
        assertNull(r.message().attribute(Software.class), "RFC 8489 §9: ignored after MESSAGE-INTEGRITY-SHA256");
        List<StunAttribute> attrs = r.message().attributes();
        assertInstanceOf(MessageIntegrity.class, attrs.get(2));
        assertInstanceOf(MessageIntegritySha256.class, attrs.get(3));
    }

    @Test
    void messageIntegrityAfterSha256IsIgnored() throws Exception {
        byte[] withSha256 = sign(request(), AttributeType.MESSAGE_INTEGRITY_SHA256, 32, KEY);
        byte[] wire = sign(withSha256, AttributeType.MESSAGE_INTEGRITY, 20, KEY);
        ReceivedStun r = StunFixtures.decode(wire);
        assertFalse(r.hasIntegrity(), "RFC 8489 §9: only FINGERPRINT counts after MESSAGE-INTEGRITY-SHA256");
        assertTrue(r.verifyIntegritySha256(KEY));
    }

    // ------------------------------------------------------------------ RFC 8489 Appendix B.1

    @Test
    void appendixB1DecodesAndVerifiesWithTheSha256Key() throws Exception {
        ReceivedStun r = StunFixtures.decode(B1);
        StunMessage m = r.message();
        assertEquals(StunMethod.BINDING, m.method());
        assertEquals(StunClass.REQUEST, m.messageClass());
        assertArrayEquals(sha256(B1_USERNAME + ":" + B1_REALM), m.attribute(UserHash.class).hash(),
                "USERHASH = SHA-256(username \":\" realm)");
        assertEquals(B1_NONCE, m.attribute(Nonce.class).value());
        assertEquals(B1_REALM, m.attribute(Realm.class).value());
        assertEquals(PasswordAlgorithm.of(PasswordAlgorithm.SHA256), m.attribute(PasswordAlgorithm.class));
        byte[] key = sha256(B1_USERNAME + ":" + B1_REALM + ":" + B1_PASSWORD);
        assertTrue(r.verifyIntegritySha256(key), "RFC 8489 §18.5.1.2 key");
        assertFalse(r.verifyIntegritySha256(sha256(B1_USERNAME + ":" + B1_REALM + ":The\u00ADM\u00AAtr\u2168")),
                "the password before preparation is another key");
        // The encoder reproduces the vector byte for byte from the decoded attributes.
        assertArrayEquals(B1, StunFixtures.encodeWith(m, key, IntegrityAlgorithm.SHA256, false));
    }
}
