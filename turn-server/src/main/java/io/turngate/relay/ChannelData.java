package io.turngate.relay;

import io.netty.buffer.ByteBuf;

/**
 * ChannelData message (RFC 8656 §12.4): static accessors over a buffer, no objects.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                       Application Data                        /
 * </pre>
 *
 * Over UDP the message may or may not be padded to a multiple of 4 (RFC 8656 §12.5): trailing bytes after
 * {@code Length} are ignored on receipt, and turngate sends it unpadded.
 */
public final class ChannelData {
    public static final int HEADER_LENGTH = 4;

    private ChannelData() {
    }

    /** RFC 8656 §12 / RFC 7983 demultiplexing: first byte 0x40..0x7F (top two bits 01). */
    public static boolean isChannelData(ByteBuf buf, int offset) {
        return (buf.getUnsignedByte(offset) & 0xC0) == 0x40;
    }

    public static int channelNumber(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset);
    }

    /** Declared length of the application data. */
    public static int length(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    /** Is the datagram of {@code readable} bytes long enough for its declared length? */
    public static boolean isComplete(ByteBuf buf, int offset, int readable) {
        return readable >= HEADER_LENGTH && readable - HEADER_LENGTH >= length(buf, offset);
    }

    /** Writes a ChannelData header; the caller appends {@code length} bytes of data. */
    public static void writeHeader(ByteBuf out, int channelNumber, int length) {
        out.writeShort(channelNumber);
        out.writeShort(length);
    }
}
