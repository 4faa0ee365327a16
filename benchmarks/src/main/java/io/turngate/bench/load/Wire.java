package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Data-plane framing of the load generator, written and read with static accessors on {@link ByteBuf}s (no
 * message objects per packet).
 *
 * <p>The <b>probe</b> is the application payload that travels client → relay → echo peer → relay → client:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          magic "TGL" (24 bits)                |  epoch (8)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     allocation index                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sequence number (64)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   send time, System.nanoTime (64)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              intended send time, System.nanoTime (64)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        zero filler ...                        |
 * </pre>
 * The epoch separates warm-up traffic from measured traffic, so late warm-up packets are not counted. The intended
 * send time is when the fixed-rate schedule wanted the probe to leave ({@link Worker}); the RTT measured from it is
 * corrected for coordinated omission. It equals the send time where there is no schedule.
 *
 * <p>Towards the server the probe is wrapped in ChannelData (RFC 8656 §12.4: 2-byte channel number, 2-byte length,
 * no padding over UDP) or in a Send indication (RFC 8656 §10.1: XOR-PEER-ADDRESS and DATA); the server returns it
 * as ChannelData or as a Data indication (RFC 8656 §10.3).
 */
public final class Wire {

    /** Smallest probe: magic/epoch, index, sequence, send time, intended send time. */
    public static final int PROBE_MIN_LENGTH = 32;
    static final int PROBE_MAGIC = 0x54474C00; // "TGL" + epoch byte
    static final int PROBE_INDEX_OFFSET = 4;
    static final int PROBE_SEQ_OFFSET = 8;
    static final int PROBE_TIME_OFFSET = 16;
    static final int PROBE_INTENDED_OFFSET = 24;

    static final int CHANNEL_DATA_HEADER = 4;
    static final int STUN_HEADER = 20;
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int SEND_INDICATION = 0x0016;
    static final int DATA_INDICATION = 0x0017;
    static final int ATTR_XOR_PEER_ADDRESS = 0x0012;
    static final int ATTR_DATA = 0x0013;

    private Wire() {
    }

    /** Writes a probe of {@code length} bytes at the writer index, sent now and due now (no schedule). */
    public static void writeProbe(ByteBuf out, int epoch, int index, long seq, long nowNanos, int length) {
        writeProbe(out, epoch, index, seq, nowNanos, nowNanos, length);
    }

    /** Writes a probe of {@code length} bytes at the writer index, sent at {@code nowNanos}, due at {@code intendedNanos}. */
    public static void writeProbe(ByteBuf out, int epoch, int index, long seq, long nowNanos, long intendedNanos,
                                  int length) {
        out.writeInt(PROBE_MAGIC | (epoch & 0xFF));
        out.writeInt(index);
        out.writeLong(seq);
        out.writeLong(nowNanos);
        out.writeLong(intendedNanos);
        out.writeZero(length - PROBE_MIN_LENGTH);
    }

    /** Epoch of the probe at {@code offset}, or -1 when the bytes there are not a probe of ours. */
    public static int probeEpoch(ByteBuf buf, int offset, int length) {
        if (length < PROBE_MIN_LENGTH) {
            return -1;
        }
        int head = buf.getInt(offset);
        return (head & 0xFFFFFF00) == PROBE_MAGIC ? head & 0xFF : -1;
    }

    public static int probeIndex(ByteBuf buf, int offset) {
        return buf.getInt(offset + PROBE_INDEX_OFFSET);
    }

    public static long probeSeq(ByteBuf buf, int offset) {
        return buf.getLong(offset + PROBE_SEQ_OFFSET);
    }

    public static long probeTime(ByteBuf buf, int offset) {
        return buf.getLong(offset + PROBE_TIME_OFFSET);
    }

    /** When the schedule wanted the probe at {@code offset} to leave (System.nanoTime). */
    public static long probeIntendedTime(ByteBuf buf, int offset) {
        return buf.getLong(offset + PROBE_INTENDED_OFFSET);
    }

    /** True when the first byte marks ChannelData (RFC 8656 §12: first two bits 0b01, channels 0x4000..0x4FFF). */
    public static boolean isChannelData(ByteBuf buf, int offset) {
        return (buf.getByte(offset) & 0xC0) == 0x40;
    }

    /** Writes the 4-byte ChannelData header (RFC 8656 §12.4). */
    public static void writeChannelDataHeader(ByteBuf out, int channel, int length) {
        out.writeShort(channel);
        out.writeShort(length);
    }

    public static int channelDataLength(ByteBuf buf, int offset) {
        return buf.getUnsignedShort(offset + 2);
    }

    /** Bytes a Send indication takes for a {@code payload}-byte probe towards an IPv4 or IPv6 peer. */
    public static int sendIndicationLength(int payload, boolean ipv6) {
        return STUN_HEADER + 4 + (ipv6 ? 20 : 8) + 4 + pad4(payload);
    }

    /**
     * Writes a Send indication header, its XOR-PEER-ADDRESS (RFC 8489 §14.2 XOR encoding) and the DATA attribute
     * header; the caller then writes {@code payload} bytes and calls {@link #writePadding}.
     */
    public static void writeSendIndicationHead(ByteBuf out, long txLow, InetSocketAddress peer, int payload) {
        InetAddress addr = peer.getAddress();
        boolean v6 = addr instanceof Inet6Address;
        int txHigh = 0x54474C47;
        int bodyLength = 4 + (v6 ? 20 : 8) + 4 + pad4(payload);
        out.writeShort(SEND_INDICATION);
        out.writeShort(bodyLength);
        out.writeInt(MAGIC_COOKIE);
        out.writeInt(txHigh);
        out.writeLong(txLow);
        out.writeShort(ATTR_XOR_PEER_ADDRESS);
        out.writeShort(v6 ? 20 : 8);
        out.writeByte(0);
        out.writeByte(v6 ? 2 : 1);
        out.writeShort(peer.getPort() ^ (MAGIC_COOKIE >>> 16));
        byte[] raw = addr.getAddress();
        if (addr instanceof Inet4Address) {
            int a = ((raw[0] & 0xFF) << 24) | ((raw[1] & 0xFF) << 16) | ((raw[2] & 0xFF) << 8) | (raw[3] & 0xFF);
            out.writeInt(a ^ MAGIC_COOKIE);
        } else {
            byte[] key = new byte[16];
            key[0] = 0x21; key[1] = 0x12; key[2] = (byte) 0xA4; key[3] = 0x42;
            for (int i = 0; i < 4; i++) {
                key[4 + i] = (byte) (txHigh >>> (24 - 8 * i));
            }
            for (int i = 0; i < 8; i++) {
                key[8 + i] = (byte) (txLow >>> (56 - 8 * i));
            }
            for (int i = 0; i < 16; i++) {
                out.writeByte(raw[i] ^ key[i]);
            }
        }
        out.writeShort(ATTR_DATA);
        out.writeShort(payload);
    }

    /** Writes the zero bytes that pad a {@code payload}-byte attribute value to a multiple of 4. */
    public static void writePadding(ByteBuf out, int payload) {
        out.writeZero(pad4(payload) - payload);
    }

    /** STUN message type at {@code offset} when the datagram looks like STUN, or -1. */
    public static int stunType(ByteBuf buf, int offset, int length) {
        if (length < STUN_HEADER || (buf.getByte(offset) & 0xC0) != 0 || buf.getInt(offset + 4) != MAGIC_COOKIE) {
            return -1;
        }
        return buf.getUnsignedShort(offset);
    }

    /**
     * Offset of the DATA value in a Data indication at {@code offset} spanning {@code length} bytes, or -1; the
     * value's length is then {@code buf.getUnsignedShort(result - 2)}.
     */
    public static int dataAttributeValue(ByteBuf buf, int offset, int length) {
        int end = offset + Math.min(length, STUN_HEADER + buf.getUnsignedShort(offset + 2));
        int p = offset + STUN_HEADER;
        while (p + 4 <= end) {
            int type = buf.getUnsignedShort(p);
            int len = buf.getUnsignedShort(p + 2);
            if (p + 4 + len > end) {
                return -1;
            }
            if (type == ATTR_DATA) {
                return p + 4;
            }
            p += 4 + pad4(len);
        }
        return -1;
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
