package io.turngate.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turngate.stun.StunCodecException.Reason;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.Fingerprint;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.MessageIntegritySha256;
import io.turngate.stun.attr.StunAttribute;

import javax.crypto.Mac;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Converts between one STUN message in a {@link ByteBuf} and a {@link StunMessage} record, RFC 8489 §5, §14.
 * Pure functions: no channel, no state, thread-safe.
 *
 * <h2>Decoding</h2>
 * {@link #decode} treats the readable bytes as exactly one message (one UDP datagram, or one frame already cut out of
 * a stream). Every length is checked before it is used; any violation is a {@link StunCodecException} whose message
 * reads "what: found X (expected: Y)". Padding bytes are skipped without looking at them (RFC 5769 §2.1 pads with
 * spaces). Attributes after MESSAGE-INTEGRITY are ignored except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and
 * attributes after MESSAGE-INTEGRITY-SHA256 except FINGERPRINT (RFC 8489 §9); FINGERPRINT must be the last attribute
 * and is verified here (RFC 8489 §14.7). Neither integrity attribute is verified here because the key depends on
 * USERNAME/REALM: see {@link ReceivedStun#verifyIntegrity} and {@link ReceivedStun#verifyIntegritySha256}.
 *
 * <h2>Encoding</h2>
 * Attributes are written in list order (skipping {@link MessageIntegrity}/{@link Fingerprint} records), each value
 * padded with zeros to a multiple of 4 bytes; then MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 if a key is
 * given (one of them: a server's response carries only the one its request used, RFC 8489 §9.2.4), then FINGERPRINT if
 * requested, with the header length field set as RFC 8489 §14.5 and §14.7 require at each step.
 */
public final class StunCodec {

    private StunCodec() {
    }

    /**
     * Decodes the bytes from {@code buf.readerIndex()} to {@code buf.writerIndex()} as one STUN message. Does not
     * change the buffer's indices and does not release it.
     *
     * @throws StunCodecException if the bytes are not exactly one well-formed STUN message
     */
    public static ReceivedStun decode(ByteBuf buf) throws StunCodecException {
        int start = buf.readerIndex();
        int readable = buf.readableBytes();
        if (readable < StunConstants.HEADER_LENGTH) {
            throw new StunCodecException(Reason.TRUNCATED, "message: found " + readable
                    + " bytes (expected: at least " + StunConstants.HEADER_LENGTH + ")");
        }
        int firstByte = buf.getUnsignedByte(start);
        if ((firstByte & StunConstants.FIRST_BYTE_MASK) != 0) {
            throw new StunCodecException(Reason.NOT_STUN, "first two bits: found " + (firstByte >>> 6)
                    + " (expected: 0)");
        }
        int messageType = buf.getUnsignedShort(start + StunConstants.TYPE_OFFSET);
        int length = buf.getUnsignedShort(start + StunConstants.LENGTH_OFFSET);
        int cookie = buf.getInt(start + StunConstants.MAGIC_COOKIE_OFFSET);
        TransactionId tid = TransactionId.read(buf, start + StunConstants.TRANSACTION_ID_OFFSET);
        if (cookie != StunConstants.MAGIC_COOKIE) {
            throw new StunCodecException(Reason.BAD_MAGIC_COOKIE, "magic cookie: found 0x"
                    + String.format("%08x", cookie) + " (expected: 0x2112a442)", messageType, tid);
        }
        if ((length & 3) != 0) {
            throw new StunCodecException(Reason.BAD_LENGTH, "message length: found " + length
                    + " (expected: a multiple of 4)", messageType, tid);
        }
        int total = StunConstants.HEADER_LENGTH + length;
        if (total > readable) {
            throw new StunCodecException(Reason.TRUNCATED, "message: found " + readable + " bytes (expected: "
                    + total + " from the length field)", messageType, tid);
        }
        if (total < readable) {
            throw new StunCodecException(Reason.BAD_LENGTH, "message length: found " + length + " (expected: "
                    + (readable - StunConstants.HEADER_LENGTH) + ", the bytes after the header)", messageType, tid);
        }

        byte[] raw = new byte[total];
        buf.getBytes(start, raw);

        List<StunAttribute> attributes = new ArrayList<>(8);
        int integrityOffset = -1;
        int sha256Offset = -1;
        boolean fingerprint = false;
        int pos = StunConstants.HEADER_LENGTH;
        while (pos < total) {
            if (total - pos < StunConstants.ATTRIBUTE_HEADER_LENGTH) {
                throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, "attribute header at offset " + pos
                        + ": found " + (total - pos) + " bytes (expected: 4)", messageType, tid);
            }
            int type = AttributeCodec.u16(raw, pos);
            int valueLength = AttributeCodec.u16(raw, pos + 2);
            int padded = (valueLength + 3) & ~3;
            int available = total - pos - StunConstants.ATTRIBUTE_HEADER_LENGTH;
            if (padded > available) {
                throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, AttributeType.name(type) + " at offset "
                        + pos + ": found length " + valueLength + " (expected: at most " + available + ")",
                        messageType, tid);
            }
            int valueOffset = pos + StunConstants.ATTRIBUTE_HEADER_LENGTH;
            if (type == AttributeType.FINGERPRINT) {
                attributes.add(checkFingerprint(raw, pos, valueLength, total, messageType, tid));
                fingerprint = true;
            } else if (sha256Offset >= 0) {
                // RFC 8489 §9: everything after MESSAGE-INTEGRITY-SHA256 except FINGERPRINT is ignored.
            } else if (type == AttributeType.MESSAGE_INTEGRITY_SHA256) {
                // RFC 8489 §9: it may follow MESSAGE-INTEGRITY (a client offering both, §9.1.2) or stand alone.
                if (!MessageIntegritySha256.isValidLength(valueLength)) {
                    throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH,
                            "MESSAGE-INTEGRITY-SHA256 value length: found " + valueLength
                                    + " bytes (expected: 16..32, a multiple of 4)", messageType, tid);
                }
                sha256Offset = pos;
                attributes.add(new MessageIntegritySha256(AttributeCodec.copy(raw, valueOffset, valueLength)));
            } else if (integrityOffset >= 0) {
                // RFC 8489 §9: everything after MESSAGE-INTEGRITY except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
                // is ignored.
            } else if (type == AttributeType.MESSAGE_INTEGRITY) {
                if (valueLength != StunConstants.MESSAGE_INTEGRITY_LENGTH) {
                    throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, "MESSAGE-INTEGRITY value length: found "
                            + valueLength + " bytes (expected: 20)", messageType, tid);
                }
                integrityOffset = pos;
                attributes.add(new MessageIntegrity(AttributeCodec.copy(raw, valueOffset, valueLength)));
            } else {
                attributes.add(AttributeCodec.decode(type, raw, valueOffset, valueLength, messageType, tid));
            }
            pos = valueOffset + padded;
        }
        StunMessage message = new StunMessage(StunMessageType.method(messageType),
                StunMessageType.messageClass(messageType), tid, attributes);
        return new ReceivedStun(message, raw, integrityOffset, sha256Offset, fingerprint);
    }

    /** RFC 8489 §14.7: last attribute, 4 bytes, CRC-32 of everything before it XOR 0x5354554E. */
    private static Fingerprint checkFingerprint(byte[] raw, int pos, int valueLength, int total, int messageType,
                                                TransactionId tid) throws StunCodecException {
        if (valueLength != StunConstants.FINGERPRINT_LENGTH) {
            throw new StunCodecException(Reason.BAD_ATTRIBUTE_LENGTH, "FINGERPRINT value length: found "
                    + valueLength + " bytes (expected: 4)", messageType, tid);
        }
        int end = pos + StunConstants.ATTRIBUTE_HEADER_LENGTH + StunConstants.FINGERPRINT_LENGTH;
        if (end != total) {
            throw new StunCodecException(Reason.BAD_FINGERPRINT, "FINGERPRINT at offset " + pos + ": found "
                    + (total - end) + " bytes after it (expected: 0, it must be the last attribute)",
                    messageType, tid);
        }
        long received = AttributeCodec.u32(raw, pos + StunConstants.ATTRIBUTE_HEADER_LENGTH);
        CRC32 crc = new CRC32();
        crc.update(raw, 0, pos);
        long expected = (crc.getValue() ^ StunConstants.FINGERPRINT_XOR) & 0xFFFF_FFFFL;
        if (received != expected) {
            throw new StunCodecException(Reason.BAD_FINGERPRINT, "FINGERPRINT: found "
                    + String.format("0x%08x (expected: 0x%08x)", received, expected), messageType, tid);
        }
        return new Fingerprint(received);
    }

    /**
     * Encodes into a new buffer from {@code alloc} (an I/O buffer, ready to send). On failure nothing leaks.
     *
     * @param integrityKeyOrNull key for MESSAGE-INTEGRITY (short-term: password bytes; long-term: see
     *                           {@code io.turngate.auth.LongTermCredentials#key}), or {@code null} for none
     * @param fingerprint        whether to append FINGERPRINT
     * @throws IllegalArgumentException if an attribute value or the message exceeds 65535 bytes, or the key is empty
     */
    public static ByteBuf encode(StunMessage msg, ByteBufAllocator alloc, byte[] integrityKeyOrNull,
                                 boolean fingerprint) {
        return encode(msg, alloc, integrityKeyOrNull, IntegrityAlgorithm.SHA1, fingerprint);
    }

    /**
     * As {@link #encode(StunMessage, ByteBufAllocator, byte[], boolean)}, signed with {@code algorithm}:
     * MESSAGE-INTEGRITY (HMAC-SHA1, §14.5) or MESSAGE-INTEGRITY-SHA256 (the full 32-byte HMAC-SHA256, §14.6).
     */
    public static ByteBuf encode(StunMessage msg, ByteBufAllocator alloc, byte[] integrityKeyOrNull,
                                 IntegrityAlgorithm algorithm, boolean fingerprint) {
        ByteBuf buf = alloc.ioBuffer(256);
        boolean success = false;
        try {
            encode(msg, buf, integrityKeyOrNull, algorithm, fingerprint);
            success = true;
            return buf;
        } finally {
            if (!success) {
                buf.release();
            }
        }
    }

    /**
     * The encoded message as a byte array (clients and tests that send it through a plain socket).
     *
     * @see #encode(StunMessage, ByteBuf, byte[], boolean)
     */
    public static byte[] encodeToArray(StunMessage msg, byte[] integrityKeyOrNull, boolean fingerprint) {
        ByteBuf out = Unpooled.buffer(256);
        try {
            encode(msg, out, integrityKeyOrNull, fingerprint);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /**
     * Appends the encoded message at {@code out.writerIndex()}. On failure the writer index is restored.
     *
     * @see #encode(StunMessage, ByteBufAllocator, byte[], boolean)
     */
    public static void encode(StunMessage msg, ByteBuf out, byte[] integrityKeyOrNull, boolean fingerprint) {
        encode(msg, out, integrityKeyOrNull, IntegrityAlgorithm.SHA1, fingerprint);
    }

    /**
     * Appends the encoded message signed with {@code algorithm}. On failure the writer index is restored.
     *
     * @see #encode(StunMessage, ByteBufAllocator, byte[], IntegrityAlgorithm, boolean)
     */
    public static void encode(StunMessage msg, ByteBuf out, byte[] integrityKeyOrNull, IntegrityAlgorithm algorithm,
                              boolean fingerprint) {
        if (integrityKeyOrNull != null && integrityKeyOrNull.length == 0) {
            throw new IllegalArgumentException("integrity key: found 0 bytes (expected: at least 1)");
        }
        int start = out.writerIndex();
        boolean success = false;
        try {
            out.writeShort(msg.type());
            out.writeShort(0);
            out.writeInt(StunConstants.MAGIC_COOKIE);
            msg.transactionId().write(out);
            byte[] xorKey = null;
            for (StunAttribute attribute : msg.attributes()) {
                if (attribute instanceof MessageIntegrity || attribute instanceof MessageIntegritySha256
                        || attribute instanceof Fingerprint) {
                    continue;
                }
                if (xorKey == null) {
                    xorKey = xorKey(msg.transactionId());
                }
                writeAttribute(attribute, out, xorKey);
            }
            if (integrityKeyOrNull != null) {
                setLength(out, start, StunConstants.ATTRIBUTE_HEADER_LENGTH + algorithm.length());
                Mac mac = algorithm == IntegrityAlgorithm.SHA256
                        ? HmacSha256.withKey(integrityKeyOrNull) : HmacSha1.withKey(integrityKeyOrNull);
                mac.update(out.nioBuffer(start, out.writerIndex() - start));
                byte[] hmac = mac.doFinal();
                out.writeShort(algorithm.attributeType());
                out.writeShort(algorithm.length());
                out.writeBytes(hmac, 0, algorithm.length());
            }
            if (fingerprint) {
                setLength(out, start, StunConstants.ATTRIBUTE_HEADER_LENGTH + StunConstants.FINGERPRINT_LENGTH);
                CRC32 crc = new CRC32();
                crc.update(out.nioBuffer(start, out.writerIndex() - start));
                out.writeShort(AttributeType.FINGERPRINT);
                out.writeShort(StunConstants.FINGERPRINT_LENGTH);
                out.writeInt((int) crc.getValue() ^ StunConstants.FINGERPRINT_XOR);
            }
            setLength(out, start, 0);
            success = true;
        } finally {
            if (!success) {
                out.writerIndex(start);
            }
        }
    }

    private static void writeAttribute(StunAttribute attribute, ByteBuf out, byte[] xorKey) {
        out.writeShort(attribute.type());
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        int valueStart = out.writerIndex();
        AttributeCodec.encodeValue(attribute, out, xorKey);
        int valueLength = out.writerIndex() - valueStart;
        if (valueLength > 0xFFFF) {
            throw new IllegalArgumentException(AttributeType.name(attribute.type()) + " value length: found "
                    + valueLength + " bytes (expected: at most 65535)");
        }
        out.setShort(lengthIndex, valueLength);
        out.writeZero(((valueLength + 3) & ~3) - valueLength);
    }

    /** Sets the header length to everything written after the header plus {@code extra} bytes still to come. */
    private static void setLength(ByteBuf out, int start, int extra) {
        int length = out.writerIndex() - start - StunConstants.HEADER_LENGTH + extra;
        if (length > StunConstants.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("message length: found " + length + " bytes (expected: at most "
                    + StunConstants.MAX_MESSAGE_LENGTH + ")");
        }
        out.setShort(start + StunConstants.LENGTH_OFFSET, length);
    }

    /** Magic cookie || transaction ID: the XOR key of the address attributes, RFC 8489 §14.2. */
    private static byte[] xorKey(TransactionId id) {
        byte[] key = new byte[16];
        key[0] = (byte) (StunConstants.MAGIC_COOKIE >>> 24);
        key[1] = (byte) (StunConstants.MAGIC_COOKIE >>> 16);
        key[2] = (byte) (StunConstants.MAGIC_COOKIE >>> 8);
        key[3] = (byte) StunConstants.MAGIC_COOKIE;
        System.arraycopy(id.toBytes(), 0, key, 4, TransactionId.LENGTH);
        return key;
    }
}
