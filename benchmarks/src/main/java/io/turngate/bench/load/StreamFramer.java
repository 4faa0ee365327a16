package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Splits the byte stream of one TURN-TCP or TURN-TLS connection into its STUN messages and ChannelData messages,
 * the client side of RFC 8656 §3.1 (both travel on the same connection, with no other framing).
 *
 * <p>The first two bits of a frame say which it is (RFC 8656 §12, RFC 7983): {@code 0b00} is STUN, whose length
 * field (bytes 2-3) counts the bytes after its 20-byte header and is always a multiple of 4 (RFC 8489 §5);
 * {@code 0b01} is ChannelData, whose length field (also bytes 2-3) counts the application data after its 4-byte
 * header. Over TCP and TLS a ChannelData message is padded to a multiple of 4 and the padding is not counted in
 * its length field (RFC 8656 §12.5), so it takes {@code 4 + pad4(length)} bytes of the stream. Four bytes are
 * therefore enough to know where any frame ends. Any other first byte means the stream is out of step (there is
 * no marker to find the next frame by), which {@link #feed} reports as a {@link CorruptedFrameException}: the
 * caller counts it and closes the connection.
 *
 * <p>A frame that lies entirely inside one read is handed to the {@link Sink} in place, without a copy or an object.
 * A frame split across reads (TCP segments and TLS records do not respect frame boundaries) is assembled in one
 * buffer of this framer, which is kept for the next split and released by {@link #release()}. The sink sees the
 * frame without its padding.
 *
 * <p><b>Threading:</b> one framer per connection, used only on that connection's event loop.
 */
final class StreamFramer {

    /** Receives complete frames; {@code buf} is only valid during the call and must not be released or kept. */
    interface Sink {
        /**
         * One frame: a STUN message ({@code length} = 20 + its length field) or a ChannelData message
         * ({@code length} = 4 + its length field, the padding left out), starting at {@code offset}.
         */
        void onFrame(ByteBuf buf, int offset, int length);
    }

    /** Bytes needed to know the length of a frame: the 2-byte type or channel number and the 2-byte length. */
    static final int HEADER_PREFIX = 4;

    private final ByteBufAllocator alloc;
    private final int maxFrame;
    /** The start of a frame that the last read ended inside; null until the first split, then reused. */
    private ByteBuf partial;

    /**
     * @param alloc    where the buffer for split frames comes from
     * @param maxFrame the largest frame accepted, padding included; a longer one is a {@link CorruptedFrameException}
     */
    StreamFramer(ByteBufAllocator alloc, int maxFrame) {
        if (maxFrame < Wire.STUN_HEADER) {
            throw new IllegalArgumentException("maxFrame: found " + maxFrame + " (expected: at least "
                    + Wire.STUN_HEADER + ")");
        }
        this.alloc = alloc;
        this.maxFrame = maxFrame;
    }

    /**
     * Bytes the frame at {@code offset} takes on the stream, padding included (needs {@value #HEADER_PREFIX}
     * readable bytes there).
     *
     * @throws CorruptedFrameException when the first two bits are neither STUN nor ChannelData, or the frame is
     *                                 longer than {@code maxFrame}
     */
    static int wireLength(ByteBuf buf, int offset, int maxFrame) {
        int first = buf.getUnsignedByte(offset);
        int length = buf.getUnsignedShort(offset + 2);
        int wire;
        if ((first & 0xC0) == 0x00) {
            wire = Wire.STUN_HEADER + length;
        } else if ((first & 0xC0) == 0x40) {
            wire = Wire.CHANNEL_DATA_HEADER + Wire.pad4(length);
        } else {
            throw new CorruptedFrameException(String.format(java.util.Locale.ROOT, "first byte 0x%02x (expected: "
                    + "0b00 for STUN or 0b01 for ChannelData in the first two bits)", first));
        }
        if (wire > maxFrame) {
            throw new CorruptedFrameException("frame of " + wire + " bytes (expected: at most " + maxFrame + ")");
        }
        return wire;
    }

    /** The frame's length without padding: what {@link Sink#onFrame} gets. */
    private static int contentLength(ByteBuf buf, int offset) {
        int length = buf.getUnsignedShort(offset + 2);
        return (buf.getUnsignedByte(offset) & 0xC0) == 0 ? Wire.STUN_HEADER + length
                : Wire.CHANNEL_DATA_HEADER + length;
    }

    /**
     * Consumes every readable byte of {@code in} (the caller still owns and releases it): completes the frame a
     * previous read ended inside, hands every complete frame to {@code sink}, and keeps the start of a frame
     * this read ends inside.
     *
     * @throws CorruptedFrameException when the stream is out of step; the framer must not be fed again
     */
    void feed(ByteBuf in, Sink sink) {
        if (partial != null && partial.isReadable() && !completePartial(in, sink)) {
            return;
        }
        while (in.readableBytes() >= HEADER_PREFIX) {
            int offset = in.readerIndex();
            int wire = wireLength(in, offset, maxFrame);
            if (in.readableBytes() < wire) {
                break;
            }
            sink.onFrame(in, offset, contentLength(in, offset));
            in.skipBytes(wire);
        }
        if (in.isReadable()) {
            if (partial == null) {
                partial = alloc.heapBuffer(Math.min(maxFrame, 2048), maxFrame);
            }
            partial.writeBytes(in);
        }
    }

    /** Moves bytes of {@code in} into {@link #partial}; true when that frame was complete and delivered. */
    private boolean completePartial(ByteBuf in, Sink sink) {
        ByteBuf p = partial;
        if (p.readableBytes() < HEADER_PREFIX) {
            p.writeBytes(in, Math.min(HEADER_PREFIX - p.readableBytes(), in.readableBytes()));
            if (p.readableBytes() < HEADER_PREFIX) {
                return false;
            }
        }
        int wire = wireLength(p, p.readerIndex(), maxFrame);
        p.writeBytes(in, Math.min(wire - p.readableBytes(), in.readableBytes()));
        if (p.readableBytes() < wire) {
            return false;
        }
        sink.onFrame(p, p.readerIndex(), contentLength(p, p.readerIndex()));
        p.clear();
        return true;
    }

    /** Bytes held of a frame that has not been completed yet (0 between frames). */
    int pendingBytes() {
        return partial == null ? 0 : partial.readableBytes();
    }

    /** Frees the buffer for split frames; call when the connection's handler is removed. */
    void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
