package io.turngate.stun;

import io.netty.buffer.ByteBuf;

/**
 * Allocation-free peeks at a STUN header inside a {@link ByteBuf} at an absolute offset, RFC 8489 §5. Indices of the
 * buffer are never changed. Meant for the hot path (demultiplexing STUN from ChannelData, RFC 8656 §12, and
 * RFC 7983 §7) before any object is built.
 */
public final class StunHeader {

    private StunHeader() {
    }

    /**
     * Whether {@code length} bytes at {@code offset} look like one complete STUN message: at least 20 bytes, the first
     * two bits zero, the magic cookie present, and a length field that is a multiple of 4 and equals
     * {@code length - 20}.
     */
    public static boolean isStun(ByteBuf buf, int offset, int length) {
        if (length < StunConstants.HEADER_LENGTH || offset < 0
                || buf.writerIndex() - offset < StunConstants.HEADER_LENGTH) {
            return false;
        }
        if ((buf.getByte(offset) & StunConstants.FIRST_BYTE_MASK) != 0) {
            return false;
        }
        if (buf.getInt(offset + StunConstants.MAGIC_COOKIE_OFFSET) != StunConstants.MAGIC_COOKIE) {
            return false;
        }
        int messageLength = buf.getUnsignedShort(offset + StunConstants.LENGTH_OFFSET);
        return (messageLength & 3) == 0 && messageLength == length - StunConstants.HEADER_LENGTH;
    }

    /** The 16-bit message type field (method and class, see {@link StunMessageType}). */
    public static int messageType(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + StunConstants.TYPE_OFFSET);
    }

    /** The 16-bit message length field (bytes after the 20-byte header). */
    public static int messageLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + StunConstants.LENGTH_OFFSET);
    }

    /** The 32-bit magic cookie field. */
    public static int magicCookie(ByteBuf buf, int offset) {
        return buf.getInt(offset + StunConstants.MAGIC_COOKIE_OFFSET);
    }

    /** Whether the transaction ID at {@code offset} equals {@code id}, compared without allocating. */
    public static boolean transactionIdEquals(ByteBuf buf, int offset, TransactionId id) {
        return buf.getInt(offset + StunConstants.TRANSACTION_ID_OFFSET) == id.high()
                && buf.getLong(offset + StunConstants.TRANSACTION_ID_OFFSET + 4) == id.low();
    }
}
