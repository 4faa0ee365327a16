package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.turngate.stun.StunCodecException.Reason;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.DontFragment;
import io.turngate.stun.attr.AdditionalAddressFamily;
import io.turngate.stun.attr.AddressErrorCode;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.MappedAddress;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.ReservationToken;
import io.turngate.stun.attr.Software;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.UnknownAttributes;
import io.turngate.stun.attr.UserHash;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Value codec of the individual attributes (everything but MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256
 * and FINGERPRINT, which {@link StunCodec} handles as the trailer). Decoding reads from the raw message bytes; encoding appends the value
 * (without the 4-byte attribute header and without padding).
 */
final class AttributeCodec {

    /** Address family IPv4 in the address attributes, RFC 8489 §14.1. */
    static final int FAMILY_IPV4 = 0x01;
    /** Address family IPv6 in the address attributes, RFC 8489 §14.1. */
    static final int FAMILY_IPV6 = 0x02;

    private AttributeCodec() {
    }

    // ------------------------------------------------------------------------------------------------ decode

    /**
     * Decodes the value of one attribute.
     *
     * @param raw      the whole message (bytes 4..20 are the magic cookie and transaction ID, the XOR key)
     * @param off      offset of the value
     * @param len      value length (without padding); the caller checked that it fits in {@code raw}
     */
    static StunAttribute decode(int type, byte[] raw, int off, int len, int messageType, TransactionId tid)
            throws StunCodecException {
        switch (type) {
            case AttributeType.MAPPED_ADDRESS:
                return new MappedAddress(address(type, raw, off, len, false, messageType, tid));
            case AttributeType.XOR_MAPPED_ADDRESS:
                return new XorMappedAddress(address(type, raw, off, len, true, messageType, tid));
            case AttributeType.XOR_PEER_ADDRESS:
                return new XorPeerAddress(address(type, raw, off, len, true, messageType, tid));
            case AttributeType.XOR_RELAYED_ADDRESS:
                return new XorRelayedAddress(address(type, raw, off, len, true, messageType, tid));
            case AttributeType.USERNAME:
                return new Username(text(type, raw, off, len, Username.MAX_BYTES, messageType, tid));
            case AttributeType.REALM:
                return new Realm(text(type, raw, off, len, Realm.MAX_BYTES, messageType, tid));
            case AttributeType.NONCE:
                return new Nonce(text(type, raw, off, len, Nonce.MAX_BYTES, messageType, tid));
            case AttributeType.SOFTWARE:
                return new Software(text(type, raw, off, len, Software.MAX_BYTES, messageType, tid));
            case AttributeType.ERROR_CODE:
                return errorCode(raw, off, len, messageType, tid);
            case AttributeType.UNKNOWN_ATTRIBUTES: {
                if ((len & 1) != 0) {
                    throw badLength(type, len, "a multiple of 2", messageType, tid);
                }
                List<Integer> types = new ArrayList<>(len / 2);
                for (int i = 0; i < len; i += 2) {
                    types.add(u16(raw, off + i));
                }
                return new UnknownAttributes(types);
            }
            case AttributeType.LIFETIME:
                expectLength(type, len, Lifetime.LENGTH, messageType, tid);
                return new Lifetime(u32(raw, off));
            case AttributeType.DATA:
                return new Data(copy(raw, off, len));
            case AttributeType.REQUESTED_TRANSPORT:
                expectLength(type, len, RequestedTransport.LENGTH, messageType, tid);
                return new RequestedTransport(raw[off] & 0xFF);
            case AttributeType.REQUESTED_ADDRESS_FAMILY:
                expectLength(type, len, RequestedAddressFamily.LENGTH, messageType, tid);
                return new RequestedAddressFamily(raw[off] & 0xFF);
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY:
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT:
                expectLength(type, len, AdditionalAddressFamily.LENGTH, messageType, tid);
                return new AdditionalAddressFamily(raw[off] & 0xFF,
                        type == AttributeType.ADDITIONAL_ADDRESS_FAMILY_DRAFT);
            case AttributeType.ADDRESS_ERROR_CODE:
            case AttributeType.ADDRESS_ERROR_CODE_DRAFT: {
                // RFC 8656 §18.12: ERROR-CODE's layout with the family in the first byte.
                ErrorCodeAttribute e = errorCode(type, raw, off, len, messageType, tid);
                return new AddressErrorCode(raw[off] & 0xFF, e.code(), e.reason(),
                        type == AttributeType.ADDRESS_ERROR_CODE_DRAFT);
            }
            case AttributeType.CHANNEL_NUMBER:
                expectLength(type, len, ChannelNumber.LENGTH, messageType, tid);
                return new ChannelNumber(u16(raw, off));
            case AttributeType.EVEN_PORT:
                expectLength(type, len, EvenPort.LENGTH, messageType, tid);
                return new EvenPort((raw[off] & EvenPort.RESERVE_BIT) != 0);
            case AttributeType.RESERVATION_TOKEN:
                expectLength(type, len, ReservationToken.LENGTH, messageType, tid);
                return new ReservationToken((u32(raw, off) << 32) | u32(raw, off + 4));
            case AttributeType.DONT_FRAGMENT:
                expectLength(type, len, DontFragment.LENGTH, messageType, tid);
                return new DontFragment();
            case AttributeType.USERHASH:
                expectLength(type, len, UserHash.LENGTH, messageType, tid);
                return new UserHash(copy(raw, off, len));
            case AttributeType.PASSWORD_ALGORITHM: {
                List<PasswordAlgorithm> one = passwordAlgorithms(type, raw, off, len, messageType, tid);
                if (one.size() != 1) {
                    throw new StunCodecException(Reason.BAD_VALUE, "PASSWORD-ALGORITHM: found " + one.size()
                            + " algorithms (expected: 1)", messageType, tid);
                }
                return one.get(0);
            }
            case AttributeType.PASSWORD_ALGORITHMS:
                return new PasswordAlgorithms(passwordAlgorithms(type, raw, off, len, messageType, tid));
            default:
                return new UnknownAttribute(type, copy(raw, off, len));
        }
    }

    /** RFC 8489 §14.1 (plain) and §14.2 (XOR-ed with cookie || transaction ID, which are {@code raw[4..20)}). */
    private static InetSocketAddress address(int type, byte[] raw, int off, int len, boolean xor, int messageType,
                                             TransactionId tid) throws StunCodecException {
        if (len < 4) {
            throw badLength(type, len, "8 or 20", messageType, tid);
        }
        int family = raw[off + 1] & 0xFF;
        int addressLength;
        if (family == FAMILY_IPV4) {
            addressLength = 4;
        } else if (family == FAMILY_IPV6) {
            addressLength = 16;
        } else {
            throw new StunCodecException(Reason.BAD_VALUE, AttributeType.name(type) + " family: found 0x"
                    + String.format("%02x", family) + " (expected: 0x01 or 0x02)", messageType, tid);
        }
        if (len != 4 + addressLength) {
            throw badLength(type, len, String.valueOf(4 + addressLength), messageType, tid);
        }
        int port = u16(raw, off + 2);
        byte[] address = copy(raw, off + 4, addressLength);
        if (xor) {
            port ^= StunConstants.MAGIC_COOKIE >>> 16;
            for (int i = 0; i < addressLength; i++) {
                address[i] ^= raw[StunConstants.MAGIC_COOKIE_OFFSET + i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen for a 4/16-byte address", e);
        }
    }

    /**
     * RFC 8489 §14.11, §14.12: (algorithm: 16 bits, parameters length: 16 bits, parameters padded to 4 bytes)*,
     * exactly filling {@code len}; padding bytes are ignored (§14.12). At least one entry.
     */
    private static List<PasswordAlgorithm> passwordAlgorithms(int type, byte[] raw, int off, int len,
                                                              int messageType, TransactionId tid)
            throws StunCodecException {
        if (len < 4) {
            throw badLength(type, len, "at least 4", messageType, tid);
        }
        List<PasswordAlgorithm> out = new ArrayList<>(2);
        int pos = 0;
        while (pos < len) {
            if (len - pos < 4) {
                throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.name(type) + " entry at "
                        + pos + ": found " + (len - pos) + " bytes (expected: at least 4)", messageType, tid);
            }
            int algorithm = u16(raw, off + pos);
            int parametersLength = u16(raw, off + pos + 2);
            int padded = (parametersLength + 3) & ~3;
            if (padded > len - pos - 4) {
                throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.name(type)
                        + " parameters length: found " + parametersLength + " (expected: at most "
                        + (len - pos - 4) + ")", messageType, tid);
            }
            out.add(new PasswordAlgorithm(algorithm, copy(raw, off + pos + 4, parametersLength)));
            pos += 4 + padded;
        }
        return out;
    }

    /** RFC 8489 §14.8: 21 reserved bits, Class (3 bits), Number (8 bits), reason phrase. */
    private static ErrorCodeAttribute errorCode(byte[] raw, int off, int len, int messageType, TransactionId tid)
            throws StunCodecException {
        return errorCode(AttributeType.ERROR_CODE, raw, off, len, messageType, tid);
    }

    /** The ERROR-CODE layout of {@code type} (ERROR-CODE or ADDRESS-ERROR-CODE, whose first byte the caller reads). */
    private static ErrorCodeAttribute errorCode(int type, byte[] raw, int off, int len, int messageType,
                                                TransactionId tid) throws StunCodecException {
        if (len < 4) {
            throw badLength(type, len, "at least 4", messageType, tid);
        }
        int errorClass = raw[off + 2] & 0x07;
        int number = raw[off + 3] & 0xFF;
        if (errorClass < 3 || errorClass > 6) {
            throw new StunCodecException(Reason.BAD_VALUE, AttributeType.name(type) + " class: found " + errorClass
                    + " (expected: 3..6)", messageType, tid);
        }
        if (number > 99) {
            throw new StunCodecException(Reason.BAD_VALUE, AttributeType.name(type) + " number: found " + number
                    + " (expected: 0..99)", messageType, tid);
        }
        String reason = text(type, raw, off + 4, len - 4, ErrorCodeAttribute.MAX_REASON_BYTES, messageType, tid);
        return new ErrorCodeAttribute(errorClass * 100 + number, reason);
    }

    /** Strict UTF-8 (malformed input is rejected), with a byte limit. */
    private static String text(int type, byte[] raw, int off, int len, int maxBytes, int messageType,
                               TransactionId tid) throws StunCodecException {
        if (len > maxBytes) {
            throw new StunCodecException(Reason.BAD_VALUE, AttributeType.name(type) + " length: found " + len
                    + " bytes (expected: at most " + maxBytes + ")", messageType, tid);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new StunCodecException(Reason.BAD_VALUE, AttributeType.name(type)
                    + ": found malformed UTF-8 (expected: UTF-8 text)", messageType, tid);
        }
    }

    private static void expectLength(int type, int len, int expected, int messageType, TransactionId tid)
            throws StunCodecException {
        if (len != expected) {
            throw badLength(type, len, String.valueOf(expected), messageType, tid);
        }
    }

    private static StunCodecException badLength(int type, int len, String expected, int messageType,
                                                TransactionId tid) {
        return new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.name(type) + " value length: found "
                + len + " bytes (expected: " + expected + ")", messageType, tid);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
                | (b[off + 3] & 0xFF);
    }

    static byte[] copy(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, off, out, 0, len);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ encode

    /**
     * Appends the value of {@code attribute} (no header, no padding).
     *
     * @param xorKey the 16 bytes magic cookie || transaction ID
     */
    static void encodeValue(StunAttribute attribute, ByteBuf out, byte[] xorKey) {
        if (attribute instanceof XorMappedAddress) {
            writeAddress(((XorMappedAddress) attribute).address(), out, xorKey);
        } else if (attribute instanceof XorPeerAddress) {
            writeAddress(((XorPeerAddress) attribute).address(), out, xorKey);
        } else if (attribute instanceof XorRelayedAddress) {
            writeAddress(((XorRelayedAddress) attribute).address(), out, xorKey);
        } else if (attribute instanceof MappedAddress) {
            writeAddress(((MappedAddress) attribute).address(), out, null);
        } else if (attribute instanceof Username) {
            out.writeBytes(((Username) attribute).value().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof Realm) {
            out.writeBytes(((Realm) attribute).value().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof Nonce) {
            out.writeBytes(((Nonce) attribute).value().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof Software) {
            out.writeBytes(((Software) attribute).value().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof ErrorCodeAttribute) {
            ErrorCodeAttribute e = (ErrorCodeAttribute) attribute;
            out.writeShort(0);
            out.writeByte(e.errorClass());
            out.writeByte(e.number());
            out.writeBytes(e.reason().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof UnknownAttributes) {
            for (int t : ((UnknownAttributes) attribute).types()) {
                out.writeShort(t);
            }
        } else if (attribute instanceof Lifetime) {
            out.writeInt((int) ((Lifetime) attribute).seconds());
        } else if (attribute instanceof Data) {
            out.writeBytes(((Data) attribute).value());
        } else if (attribute instanceof RequestedTransport) {
            out.writeByte(((RequestedTransport) attribute).protocol());
            out.writeMedium(0);
        } else if (attribute instanceof RequestedAddressFamily) {
            out.writeByte(((RequestedAddressFamily) attribute).family());
            out.writeMedium(0);
        } else if (attribute instanceof AdditionalAddressFamily) {
            out.writeByte(((AdditionalAddressFamily) attribute).family());
            out.writeMedium(0);
        } else if (attribute instanceof AddressErrorCode) {
            AddressErrorCode e = (AddressErrorCode) attribute;
            out.writeByte(e.family());
            out.writeByte(0);
            out.writeByte(e.code() / 100);
            out.writeByte(e.code() % 100);
            out.writeBytes(e.reason().getBytes(StandardCharsets.UTF_8));
        } else if (attribute instanceof ChannelNumber) {
            out.writeShort(((ChannelNumber) attribute).number());
            out.writeShort(0);
        } else if (attribute instanceof EvenPort) {
            out.writeByte(((EvenPort) attribute).reserve() ? EvenPort.RESERVE_BIT : 0);
        } else if (attribute instanceof ReservationToken) {
            out.writeLong(((ReservationToken) attribute).token());
        } else if (attribute instanceof DontFragment) {
            // no value
        } else if (attribute instanceof UserHash) {
            out.writeBytes(((UserHash) attribute).hash());
        } else if (attribute instanceof PasswordAlgorithm) {
            writePasswordAlgorithm((PasswordAlgorithm) attribute, out);
        } else if (attribute instanceof PasswordAlgorithms) {
            for (PasswordAlgorithm a : ((PasswordAlgorithms) attribute).algorithms()) {
                writePasswordAlgorithm(a, out);
            }
        } else if (attribute instanceof UnknownAttribute) {
            out.writeBytes(((UnknownAttribute) attribute).value());
        } else {
            // MessageIntegrity(Sha256) and Fingerprint are the trailer, written by StunCodec.
            throw new IllegalArgumentException("not encodable as a plain attribute: " + attribute);
        }
    }

    /** RFC 8489 §14.12: algorithm, parameters length, parameters padded with zeros to 4 bytes. */
    private static void writePasswordAlgorithm(PasswordAlgorithm a, ByteBuf out) {
        out.writeShort(a.algorithm());
        out.writeShort(a.parameters().length);
        out.writeBytes(a.parameters());
        out.writeZero(((a.parameters().length + 3) & ~3) - a.parameters().length);
    }

    private static void writeAddress(InetSocketAddress socketAddress, ByteBuf out, byte[] xorKey) {
        byte[] address = socketAddress.getAddress().getAddress();
        int port = socketAddress.getPort();
        out.writeByte(0);
        out.writeByte(address.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        if (xorKey == null) {
            out.writeShort(port);
            out.writeBytes(address);
        } else {
            out.writeShort(port ^ (StunConstants.MAGIC_COOKIE >>> 16));
            for (int i = 0; i < address.length; i++) {
                out.writeByte(address[i] ^ xorKey[i]);
            }
        }
    }
}
