package io.turngate.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.turngate.relay.ChannelData;
import io.turngate.stun.StunConstants;

import java.util.List;

/**
 * Frames a TURN-TCP or TURN-TLS byte stream (RFC 8656 §3.1, §12.5): each frame is a STUN message (RFC 8489 §5: a
 * 20-byte header whose length field counts the bytes after it) or a ChannelData message (RFC 8656 §12.4: a 4-byte
 * header whose length field counts the application data, the whole padded to a multiple of 4 on streams, §12.5).
 * The two are told apart by the first byte (RFC 7983 §7): {@code 0b00xxxxxx} is STUN, {@code 0b01xxxxxx} a channel
 * number (0x4000 through 0x7FFF: RFC 5766 §11's range, which coturn's client still uses and turngate's ChannelBind
 * accepts; RFC 8656 §12 narrowed it to 0x4FFF); anything else cannot be resynchronised on a stream.
 *
 * <p>Each frame goes on as a retained slice without its padding. A frame that is still arriving waits in Netty's
 * cumulation buffer; no frame is longer than {@code maxFrameBytes}, so a client cannot make the server buffer more
 * than that. A stream that is not TURN (an unknown first byte, a STUN header without the magic cookie or with a
 * length that is not a multiple of 4) or announces a longer frame fails with {@link BadStreamException} once; the
 * handler behind counts it and closes the connection, and whatever else arrives is discarded.
 *
 * <p>Not sharable: one per connection, on its event loop.
 */
final class StreamFrameDecoder extends ByteToMessageDecoder {
    /** Why a stream cannot be framed. */
    enum Failure {
        /** Neither STUN nor ChannelData. */
        NOT_TURN,
        /** A declared frame length over the limit. */
        OVERSIZED
    }

    /** The stream cannot be framed; the connection must close. Carries no stack trace (it is expected input). */
    static final class BadStreamException extends DecoderException {
        private static final long serialVersionUID = 1L;
        private final Failure failure;

        BadStreamException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final int maxFrameBytes;
    private boolean failed;

    StreamFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < ChannelData.HEADER_LENGTH) {
            return;
        }
        int at = in.readerIndex();
        int first = in.getUnsignedByte(at);
        if ((first & 0xC0) == 0) {
            decodeStun(in, at, readable, out);
        } else if ((first & 0xC0) == 0x40) {
            decodeChannelData(in, at, readable, out);
        } else {
            throw fail(in, Failure.NOT_TURN, "first byte 0x" + Integer.toHexString(first)
                    + " (expected: 0x00..0x3F for STUN or 0x40..0x7F for ChannelData)");
        }
    }

    private void decodeStun(ByteBuf in, int at, int readable, List<Object> out) {
        if (readable < StunConstants.MAGIC_COOKIE_OFFSET + 4) {
            // Wait for the magic cookie before judging: otherwise a header cut after its length field would be
            // judged OVERSIZED and the same bytes in one read NOT_TURN (found by StreamFrameDecoderFuzzTest).
            return;
        }
        int length = in.getUnsignedShort(at + StunConstants.LENGTH_OFFSET);
        if ((length & 3) != 0) {
            throw fail(in, Failure.NOT_TURN, "STUN length " + length + " (expected: a multiple of 4)");
        }
        if (in.getInt(at + StunConstants.MAGIC_COOKIE_OFFSET) != StunConstants.MAGIC_COOKIE) {
            throw fail(in, Failure.NOT_TURN, "no STUN magic cookie");
        }
        int frame = StunConstants.HEADER_LENGTH + length;
        if (frame > maxFrameBytes) {
            throw fail(in, Failure.OVERSIZED, "STUN message of " + frame + " bytes (expected: at most "
                    + maxFrameBytes + ")");
        }
        if (readable >= frame) {
            out.add(in.retainedSlice(at, frame));
            in.skipBytes(frame);
        }
    }

    private void decodeChannelData(ByteBuf in, int at, int readable, List<Object> out) {
        int frame = ChannelData.HEADER_LENGTH + ChannelData.length(in, at);
        if (frame > maxFrameBytes) {
            throw fail(in, Failure.OVERSIZED, "ChannelData of " + frame + " bytes (expected: at most "
                    + maxFrameBytes + ")");
        }
        int padded = (frame + 3) & ~3; // RFC 8656 §12.5: padded to a multiple of 4 over TCP and TLS
        if (readable >= padded) {
            out.add(in.retainedSlice(at, frame));
            in.skipBytes(padded);
        }
    }

    private BadStreamException fail(ByteBuf in, Failure failure, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return new BadStreamException(failure, message);
    }
}
