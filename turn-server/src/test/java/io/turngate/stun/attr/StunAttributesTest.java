package io.turngate.stun.attr;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunCodecException.Reason;
import io.turngate.stun.StunFixtures;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One nested class per attribute: round trip through the codec, exact wire value, too short, too long. */
class StunAttributesTest {

    // ------------------------------------------------------------------ helpers

    /** Encodes a message with only {@code a}, checks the wire value, decodes it back and returns the attribute. */
    private static StunAttribute roundTrip(StunAttribute a, String expectedValueHex) throws StunCodecException {
        byte[] wire = StunFixtures.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TID, a), null, false);
        int len = ((wire[22] & 0xFF) << 8) | (wire[23] & 0xFF);
        assertEquals(a.type(), ((wire[20] & 0xFF) << 8) | (wire[21] & 0xFF));
        assertEquals(expectedValueHex, hex(Arrays.copyOfRange(wire, 24, 24 + len)));
        assertEquals(24 + ((len + 3) & ~3), wire.length, "padded to 4 bytes");
        for (int i = 24 + len; i < wire.length; i++) {
            assertEquals(0, wire[i], "padding is zero");
        }
        ReceivedStun r = StunFixtures.decode(wire);
        assertEquals(1, r.message().attributes().size());
        StunAttribute back = r.message().attributes().get(0);
        assertEquals(a, back);
        assertEquals(a.hashCode(), back.hashCode());
        return back;
    }

    /** Decodes a hand-built message holding one attribute with the given raw value. */
    private static StunAttribute decodeValue(int type, byte[] value) throws StunCodecException {
        return StunFixtures.decode(message(0x0001, attr(type, value))).message().attributes().get(0);
    }

    private static void assertRejected(Reason reason, int type, byte[] value) {
        StunCodecException e = assertThrows(StunCodecException.class, () -> decodeValue(type, value),
                AttributeType.name(type) + " " + hex(value));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("(expected: "), e.getMessage());
    }

    private static InetSocketAddress sa(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static byte[] utf8Of(int bytes) {
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) 'a');
        return b;
    }

    // ------------------------------------------------------------------ addresses

    @Nested
    class MappedAddressTest {
        @Test
        void roundTripsIpv4AndIpv6Unxored() throws Exception {
            roundTrip(new MappedAddress(sa("192.0.2.1", 32853)), "00018055c0000201");
            roundTrip(new MappedAddress(sa("2001:db8::1", 1)), "0002000120010db8000000000000000000000001");
        }

        @Test
        void tooShortTooLongAndBadFamily() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MAPPED_ADDRESS, hex("000180"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MAPPED_ADDRESS, hex("00018055c00002"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MAPPED_ADDRESS, hex("00018055c000020100"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MAPPED_ADDRESS, hex("00028055c0000201"));
            assertRejected(Reason.BAD_VALUE, AttributeType.MAPPED_ADDRESS, hex("00038055c0000201"));
        }

        @Test
        void unresolvedAddressIsRejected() {
            assertThrows(IllegalArgumentException.class,
                    () -> new MappedAddress(InetSocketAddress.createUnresolved("example.org", 1)));
        }
    }

    @Nested
    class XorMappedAddressTest {
        @Test
        void roundTripsWithRfc5769Encoding() throws Exception {
            // RFC 5769 §2.2 value: 192.0.2.1:32853 -> 0001 a147 e112a643
            roundTrip(new XorMappedAddress(sa("192.0.2.1", 32853)), "0001a147e112a643");
            // RFC 5769 §2.3 value (same transaction ID as StunFixtures.TID)
            roundTrip(new XorMappedAddress(sa("2001:db8:1234:5678:11:2233:4455:6677", 32853)),
                    "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9");
        }

        @Test
        void ipv4MappedIpv6DecodesAsIpv4() throws Exception {
            byte[] mapped = hex("00000000000000000000ffff7f000001");
            byte[] key = hex("2112a442b7e7a701bc34d686fa87dfae");
            byte[] value = new byte[20];
            value[1] = 2;
            value[2] = (byte) (0x1234 >> 8 ^ 0x21);
            value[3] = (byte) (0x34 ^ 0x12);
            for (int i = 0; i < 16; i++) {
                value[4 + i] = (byte) (mapped[i] ^ key[i]);
            }
            XorMappedAddress a = (XorMappedAddress) decodeValue(AttributeType.XOR_MAPPED_ADDRESS, value);
            assertInstanceOf(Inet4Address.class, a.address().getAddress());
            assertEquals("127.0.0.1", a.address().getAddress().getHostAddress());
            assertEquals(0x1234, a.address().getPort());
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_MAPPED_ADDRESS, hex("0001a147e112a6"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_MAPPED_ADDRESS, hex("0001a147e112a64300"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_MAPPED_ADDRESS,
                    hex("0002" + "00".repeat(17)));
        }
    }

    @Nested
    class XorPeerAddressTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new XorPeerAddress(sa("192.0.2.1", 32853)), "0001a147e112a643");
            roundTrip(new XorPeerAddress(sa("::1", 3478)), "00022c84" + "2112a442b7e7a701bc34d686fa87dfaf");
        }

        @Test
        void tooShortTooLongBadFamily() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_PEER_ADDRESS, new byte[]{0, 1});
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_PEER_ADDRESS, hex("0002a147e112a643"));
            assertRejected(Reason.BAD_VALUE, AttributeType.XOR_PEER_ADDRESS, hex("0000a147e112a643"));
        }
    }

    @Nested
    class XorRelayedAddressTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new XorRelayedAddress(sa("203.0.113.9", 49152)), "0001e112ea12d54b");
            roundTrip(new XorRelayedAddress(sa("2001:db8::9", 65535)), "0002deed0113a9fab7e7a701bc34d686fa87dfa7");
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.XOR_RELAYED_ADDRESS, hex("00010000000000"));
            int type = AttributeType.XOR_RELAYED_ADDRESS;
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, type, hex("0002" + "00".repeat(17)));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, type, hex("0002" + "00".repeat(19)));
        }
    }

    // ------------------------------------------------------------------ text

    @Nested
    class UsernameTest {
        @Test
        void roundTripsUtf8() throws Exception {
            roundTrip(new Username("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"), "e3839ee38388e383aae38383e382afe382b9");
            roundTrip(new Username(""), "");
            roundTrip(new Username("a".repeat(512)), "61".repeat(512));
        }

        @Test
        void over512BytesIsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.USERNAME, utf8Of(513));
            assertThrows(IllegalArgumentException.class, () -> new Username("\u00e9".repeat(257)));
        }

        @Test
        void malformedUtf8IsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.USERNAME, hex("61ff62"));
            assertRejected(Reason.BAD_VALUE, AttributeType.USERNAME, hex("e383"));
        }
    }

    @Nested
    class RealmTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new Realm("example.org"), "6578616d706c652e6f7267");
            roundTrip(new Realm("r".repeat(763)), "72".repeat(763));
        }

        @Test
        void over763BytesIsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.REALM, utf8Of(764));
            assertThrows(IllegalArgumentException.class, () -> new Realm("r".repeat(764)));
        }
    }

    @Nested
    class NonceTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new Nonce("f//499k954d6OL34oL9FSTvy64sA"), hex("f//499k954d6OL34oL9FSTvy64sA"
                    .getBytes(StandardCharsets.US_ASCII)));
        }

        @Test
        void over763BytesIsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.NONCE, utf8Of(764));
        }
    }

    @Nested
    class SoftwareTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new Software("test vector"), "7465737420766563746f72");
        }

        @Test
        void over763BytesIsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.SOFTWARE, utf8Of(764));
        }
    }

    // ------------------------------------------------------------------ errors

    @Nested
    class ErrorCodeAttributeTest {
        @Test
        void roundTripsClassAndNumber() throws Exception {
            roundTrip(new ErrorCodeAttribute(401, "Unauthorized"), "00000401" + "556e617574686f72697a6564");
            roundTrip(new ErrorCodeAttribute(508, ""), "00000508");
            ErrorCodeAttribute e = (ErrorCodeAttribute) roundTrip(new ErrorCodeAttribute(699, "x"), "0000066378");
            assertEquals(6, e.errorClass());
            assertEquals(99, e.number());
        }

        @Test
        void tooShortBadClassBadNumber() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.ERROR_CODE, hex("000004"));
            assertRejected(Reason.BAD_VALUE, AttributeType.ERROR_CODE, hex("00000201"));
            assertRejected(Reason.BAD_VALUE, AttributeType.ERROR_CODE, hex("00000701"));
            assertRejected(Reason.BAD_VALUE, AttributeType.ERROR_CODE, hex("00000464"));
            assertRejected(Reason.BAD_VALUE, AttributeType.ERROR_CODE, hex("00000401ff"));
            assertThrows(IllegalArgumentException.class, () -> new ErrorCodeAttribute(700, ""));
        }

        @Test
        void reservedBitsAreIgnored() throws Exception {
            assertEquals(new ErrorCodeAttribute(438, ""), decodeValue(AttributeType.ERROR_CODE, hex("fffffc26")));
        }
    }

    @Nested
    class UnknownAttributesTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new UnknownAttributes(List.of(0x0024, 0x001A, 0x7FFF)), "00240" + "01a7fff");
            roundTrip(new UnknownAttributes(List.of()), "");
        }

        @Test
        void oddLengthIsRejected() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.UNKNOWN_ATTRIBUTES, hex("002400"));
        }
    }

    // ------------------------------------------------------------------ TURN fixed-size values

    @Nested
    class LifetimeTest {
        @Test
        void roundTripsUnsigned() throws Exception {
            roundTrip(new Lifetime(600), "00000258");
            roundTrip(new Lifetime(0xFFFF_FFFFL), "ffffffff");
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.LIFETIME, new byte[3]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.LIFETIME, new byte[5]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.LIFETIME, new byte[0]);
        }
    }

    @Nested
    class DataTest {
        @Test
        void roundTripsAnyLength() throws Exception {
            roundTrip(new Data(new byte[0]), "");
            roundTrip(new Data(hex("01")), "01");
            roundTrip(new Data(hex("0102030405")), "0102030405");
            assertArrayEquals(hex("0102"), ((Data) decodeValue(AttributeType.DATA, hex("0102"))).value());
        }
    }

    @Nested
    class RequestedTransportTest {
        @Test
        void roundTripsAndKeepsUnsupportedProtocols() throws Exception {
            roundTrip(new RequestedTransport(RequestedTransport.UDP), "11000000");
            roundTrip(new RequestedTransport(RequestedTransport.TCP), "06000000");
            assertEquals(new RequestedTransport(17), decodeValue(AttributeType.REQUESTED_TRANSPORT, hex("11ffffff")));
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.REQUESTED_TRANSPORT, hex("11"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.REQUESTED_TRANSPORT, hex("1100000000"));
        }
    }

    @Nested
    class RequestedAddressFamilyTest {
        @Test
        void roundTripsAndKeepsUnknownFamiliesFor440() throws Exception {
            roundTrip(new RequestedAddressFamily(RequestedAddressFamily.IPV4), "01000000");
            roundTrip(new RequestedAddressFamily(RequestedAddressFamily.IPV6), "02000000");
            assertEquals(new RequestedAddressFamily(3), decodeValue(AttributeType.REQUESTED_ADDRESS_FAMILY,
                    hex("03000000")));
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.REQUESTED_ADDRESS_FAMILY, hex("01"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.REQUESTED_ADDRESS_FAMILY, new byte[8]);
        }
    }

    @Nested
    class AdditionalAddressFamilyTest {
        @Test
        void roundTripsAndKeepsIpv4AndUnknownFamiliesFor400And440() throws Exception {
            roundTrip(new AdditionalAddressFamily(RequestedAddressFamily.IPV6), "02000000");
            assertEquals(new AdditionalAddressFamily(1), decodeValue(AttributeType.ADDITIONAL_ADDRESS_FAMILY,
                    hex("01000000")));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.ADDITIONAL_ADDRESS_FAMILY, hex("02"));
            // coturn before 4.8.0 numbers it 0x8032 (draft-ietf-tram-turnbis): read as the same request.
            assertEquals(new AdditionalAddressFamily(2, true), decodeValue(
                    AttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT, hex("02000000")));
            roundTrip(new AdditionalAddressFamily(2, true), "02000000");
        }
    }

    @Nested
    class AddressErrorCodeTest {
        @Test
        void roundTripsWithTheFamilyInTheFirstByte() throws Exception {
            // RFC 8656 §18.12: family 0x02, reserved, class 4, number 40, "Address Family not Supported".
            roundTrip(new AddressErrorCode(RequestedAddressFamily.IPV6, 440, "Address Family not Supported"),
                    "02000428" + java.util.HexFormat.of().formatHex(
                            "Address Family not Supported".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            roundTrip(new AddressErrorCode(RequestedAddressFamily.IPV6, 508, ""), "02000508");
            AddressErrorCode draft = new AddressErrorCode(RequestedAddressFamily.IPV6, 440, "", true);
            assertEquals(AttributeType.ADDRESS_ERROR_CODE_DRAFT, draft.type());
            roundTrip(draft, "02000428");
        }

        @Test
        void badClassOrNumberOrLengthIsRejected() {
            assertRejected(Reason.BAD_VALUE, AttributeType.ADDRESS_ERROR_CODE, hex("02000228"));
            assertRejected(Reason.BAD_VALUE, AttributeType.ADDRESS_ERROR_CODE, hex("02000464"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.ADDRESS_ERROR_CODE, hex("0200"));
        }
    }

    @Nested
    class ChannelNumberTest {
        @Test
        void roundTripsAndReportsRange() throws Exception {
            ChannelNumber c = (ChannelNumber) roundTrip(new ChannelNumber(0x4000), "40000000");
            assertTrue(c.inValidRange());
            assertTrue(new ChannelNumber(ChannelNumber.RFC8656_MAX).inValidRange());
            assertTrue(new ChannelNumber(0x5000).inValidRange()); // RFC 5766's range, which coturn's client uses
            assertTrue(new ChannelNumber(0x7FFF).inValidRange());
            assertFalse(new ChannelNumber(0x8000).inValidRange());
            assertFalse(new ChannelNumber(0x3FFF).inValidRange());
            assertEquals(new ChannelNumber(0x5000), decodeValue(AttributeType.CHANNEL_NUMBER, hex("5000ffff")));
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.CHANNEL_NUMBER, hex("4000"));
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.CHANNEL_NUMBER, hex("4000000000"));
        }
    }

    @Nested
    class EvenPortTest {
        @Test
        void roundTripsTheReserveBit() throws Exception {
            roundTrip(new EvenPort(true), "80");
            roundTrip(new EvenPort(false), "00");
            assertEquals(new EvenPort(false), decodeValue(AttributeType.EVEN_PORT, hex("7f")));
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.EVEN_PORT, new byte[0]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.EVEN_PORT, new byte[2]);
        }
    }

    @Nested
    class ReservationTokenTest {
        @Test
        void roundTrips() throws Exception {
            roundTrip(new ReservationToken(0x0123456789abcdefL), "0123456789abcdef");
            roundTrip(new ReservationToken(-1L), "ffffffffffffffff");
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.RESERVATION_TOKEN, new byte[4]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.RESERVATION_TOKEN, new byte[9]);
        }
    }

    @Nested
    class DontFragmentTest {
        @Test
        void roundTripsEmpty() throws Exception {
            roundTrip(new DontFragment(), "");
        }

        @Test
        void anyValueIsTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.DONT_FRAGMENT, new byte[1]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.DONT_FRAGMENT, new byte[4]);
        }
    }

    // ------------------------------------------------------------------ trailer

    @Nested
    class MessageIntegrityTest {
        @Test
        void decodesTwentyBytes() throws Exception {
            byte[] hmac = new byte[20];
            Arrays.fill(hmac, (byte) 7);
            assertEquals(new MessageIntegrity(hmac), decodeValue(AttributeType.MESSAGE_INTEGRITY, hmac));
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MESSAGE_INTEGRITY, new byte[19]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.MESSAGE_INTEGRITY, new byte[21]);
            assertThrows(IllegalArgumentException.class, () -> new MessageIntegrity(new byte[32]));
        }
    }

    @Nested
    class FingerprintTest {
        @Test
        void encoderWritesAndDecoderVerifies() throws Exception {
            byte[] wire = StunFixtures.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TID), null, true);
            assertEquals(28, wire.length);
            Fingerprint f = StunFixtures.decode(wire).message().attribute(Fingerprint.class);
            long onWire = ((wire[24] & 0xFFL) << 24) | ((wire[25] & 0xFF) << 16) | ((wire[26] & 0xFF) << 8)
                    | (wire[27] & 0xFF);
            assertEquals(onWire, f.crc());
        }

        @Test
        void tooShortTooLong() {
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.FINGERPRINT, new byte[3]);
            assertRejected(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.FINGERPRINT, new byte[5]);
        }
    }

    // ------------------------------------------------------------------ unknown

    @Nested
    class UnknownAttributeTest {
        @Test
        void roundTripsTypeAndBytes() throws Exception {
            UnknownAttribute origin = (UnknownAttribute) roundTrip(
                    new UnknownAttribute(AttributeType.ORIGIN, "https://x".getBytes(StandardCharsets.US_ASCII)),
                    "68747470733a2f2f78");
            assertFalse(origin.comprehensionRequired());
            UnknownAttribute priority = (UnknownAttribute) roundTrip(
                    new UnknownAttribute(AttributeType.PRIORITY, hex("6e0001ff")), "6e0001ff");
            assertTrue(priority.comprehensionRequired());
        }

        /** Every type is decoded into a typed record exactly when {@link AttributeType#isKnown} says so. */
        @Test
        void isKnownMatchesTheDecoder() throws Exception {
            for (int type = 0; type <= 0xFFFF; type += (type < 0x0040 || (type >= 0x8000 && type < 0x8040)) ? 1 : 97) {
                if (type == AttributeType.MESSAGE_INTEGRITY || type == AttributeType.MESSAGE_INTEGRITY_SHA256
                        || type == AttributeType.FINGERPRINT) {
                    continue; // trailer, covered above
                }
                StunAttribute a;
                try {
                    a = decodeValue(type, validValue(type));
                } catch (StunCodecException e) {
                    throw new AssertionError(AttributeType.name(type) + ": " + e.getMessage(), e);
                }
                assertEquals(!AttributeType.isKnown(type), a instanceof UnknownAttribute, AttributeType.name(type));
                assertEquals(type, a.type(), AttributeType.name(type));
            }
        }

        private byte[] validValue(int type) {
            switch (type) {
                case AttributeType.MAPPED_ADDRESS:
                case AttributeType.XOR_MAPPED_ADDRESS:
                case AttributeType.XOR_PEER_ADDRESS:
                case AttributeType.XOR_RELAYED_ADDRESS:
                    return hex("0001a147e112a643");
                case AttributeType.ERROR_CODE:
                    return hex("00000400");
                case AttributeType.ADDRESS_ERROR_CODE:
                case AttributeType.ADDRESS_ERROR_CODE_DRAFT:
                    return hex("02000428");
                case AttributeType.EVEN_PORT:
                    return new byte[1];
                case AttributeType.RESERVATION_TOKEN:
                    return new byte[8];
                case AttributeType.DONT_FRAGMENT:
                    return new byte[0];
                case AttributeType.USERHASH:
                    return new byte[32];
                default:
                    return new byte[4];
            }
        }
    }

    @Test
    void comprehensionRangeAndNames() {
        assertTrue(AttributeType.isComprehensionRequired(0x7FFF));
        assertFalse(AttributeType.isComprehensionRequired(0x8000));
        assertEquals("XOR-PEER-ADDRESS", AttributeType.name(0x0012));
        assertEquals("ORIGIN", AttributeType.name(0x802F));
        assertEquals("0xC001", AttributeType.name(0xC001));
        assertFalse(AttributeType.isKnown(AttributeType.ORIGIN));
        assertTrue(AttributeType.isKnown(AttributeType.DONT_FRAGMENT));
    }
}
