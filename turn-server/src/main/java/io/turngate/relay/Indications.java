package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessageType;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.AttributeType;
import io.turngate.turn.handler.SendIndicationReader;

import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * Send and Data indications (RFC 8656 §11) on the hot path, without building message objects: a reader that finds
 * XOR-PEER-ADDRESS and DATA by offset, and a writer for Data indications.
 *
 * <p>A {@code Indications} instance keeps its parse results in fields and is reused for every packet; it belongs to
 * one event loop. It is the TURN core's {@link SendIndicationReader}.
 */
public final class Indications implements SendIndicationReader {
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int HEADER = 20;
    private static final int FINGERPRINT_XOR = 0x5354554E;
    /** Send indication message type (method 0x006, class indication). */
    public static final int SEND_INDICATION = StunMessageType.encode(StunMethod.SEND, StunClass.INDICATION);
    /** Data indication message type (method 0x007, class indication). */
    public static final int DATA_INDICATION = StunMessageType.encode(StunMethod.DATA, StunClass.INDICATION);

    private final CRC32 crc = new CRC32();

    // Results of the last successful parse().
    private int family;
    private int peerPort;
    private int peerIpv4;
    private long peerIpv6High;
    private long peerIpv6Low;
    private int dataOffset;
    private int dataLength;
    private int unknownRequired;

    /**
     * Parses a Send indication at {@code offset} of {@code length} bytes. Returns false (drop) when it is malformed,
     * lacks XOR-PEER-ADDRESS or DATA, or carries a FINGERPRINT that does not match. Unknown comprehension-required
     * attributes are counted in {@link #unknownRequired()}: RFC 8489 §6.3.2 says to drop such indications.
     */
    @Override
    public boolean parseSend(ByteBuf buf, int offset, int length) {
        family = 0;
        dataOffset = -1;
        unknownRequired = 0;
        if (length < HEADER || buf.getInt(offset + 4) != MAGIC_COOKIE) {
            return false;
        }
        int msgLen = buf.getUnsignedShort(offset + 2);
        if ((msgLen & 3) != 0 || HEADER + msgLen > length) {
            return false;
        }
        int pos = offset + HEADER;
        int end = offset + HEADER + msgLen;
        boolean afterIntegrity = false;
        while (pos + 4 <= end) {
            int type = buf.getUnsignedShort(pos);
            int len = buf.getUnsignedShort(pos + 2);
            int value = pos + 4;
            int next = value + ((len + 3) & ~3);
            if (value + len > end) {
                return false;
            }
            if (type == AttributeType.FINGERPRINT) {
                if (len != 4 || next != end) {
                    return false;
                }
                crc.reset();
                update(buf, offset, pos - offset);
                if ((int) crc.getValue() != (buf.getInt(value) ^ FINGERPRINT_XOR)) {
                    return false;
                }
                break;
            }
            if (!afterIntegrity) {
                if (type == AttributeType.XOR_PEER_ADDRESS && family == 0) {
                    if (!readPeer(buf, offset, value, len)) {
                        return false;
                    }
                } else if (type == AttributeType.DATA && dataOffset < 0) {
                    dataOffset = value;
                    dataLength = len;
                } else if (type == AttributeType.MESSAGE_INTEGRITY) {
                    afterIntegrity = true; // RFC 8489 §14.5: ignore what follows except FINGERPRINT
                } else if (type < 0x8000 && type != AttributeType.DONT_FRAGMENT) {
                    unknownRequired++;
                }
            }
            pos = next;
        }
        if (pos > end) {
            return false;
        }
        return family != 0 && dataOffset >= 0;
    }

    private void update(ByteBuf buf, int offset, int len) {
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + offset, len);
        } else {
            for (int i = 0; i < len; i++) {
                crc.update(buf.getByte(offset + i));
            }
        }
    }

    private boolean readPeer(ByteBuf buf, int msgOffset, int value, int len) {
        if (len < 4) {
            return false;
        }
        int fam = buf.getUnsignedByte(value + 1);
        peerPort = buf.getUnsignedShort(value + 2) ^ (MAGIC_COOKIE >>> 16);
        if (fam == 0x01 && len == 8) {
            peerIpv4 = buf.getInt(value + 4) ^ MAGIC_COOKIE;
            family = 4;
            return true;
        }
        if (fam == 0x02 && len == 20) {
            long key1 = ((long) MAGIC_COOKIE << 32) | (buf.getInt(msgOffset + 8) & 0xFFFFFFFFL);
            long key2 = buf.getLong(msgOffset + 12);
            peerIpv6High = buf.getLong(value + 4) ^ key1;
            peerIpv6Low = buf.getLong(value + 12) ^ key2;
            family = 6;
            return true;
        }
        return false;
    }

    /** 4 or 6 after a successful parse. */
    @Override
    public int peerFamily() {
        return family;
    }

    @Override
    public int peerPort() {
        return peerPort;
    }

    /** The IPv4 peer as an int (network order), valid when {@link #peerFamily()} is 4. */
    @Override
    public int peerIpv4() {
        return peerIpv4;
    }

    @Override
    public long peerIpv6High() {
        return peerIpv6High;
    }

    @Override
    public long peerIpv6Low() {
        return peerIpv6Low;
    }

    @Override
    public int dataOffset() {
        return dataOffset;
    }

    @Override
    public int dataLength() {
        return dataLength;
    }

    @Override
    public int unknownRequired() {
        return unknownRequired;
    }

    /** Size of a Data indication carrying {@code dataLength} bytes from a peer of {@code family} (4 or 6). */
    public static int dataIndicationLength(int family, int dataLength) {
        return HEADER + 4 + (family == 4 ? 8 : 20) + 4 + ((dataLength + 3) & ~3);
    }

    /**
     * Writes a Data indication (RFC 8656 §11.3): XOR-PEER-ADDRESS then DATA, random transaction id, no
     * FINGERPRINT. {@code peerAddress} is the 4- or 16-byte peer IP.
     */
    public static void writeDataIndication(ByteBuf out, byte[] peerAddress, int peerPort, ByteBuf data, int dataIndex,
                                           int dataLength) {
        int family = peerAddress.length == 4 ? 4 : 6;
        int start = out.writerIndex();
        int bodyLength = dataIndicationLength(family, dataLength) - HEADER;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int t0 = rnd.nextInt();
        long t1 = rnd.nextLong();
        out.writeShort(DATA_INDICATION);
        out.writeShort(bodyLength);
        out.writeInt(MAGIC_COOKIE);
        out.writeInt(t0);
        out.writeLong(t1);
        out.writeShort(AttributeType.XOR_PEER_ADDRESS);
        out.writeShort(family == 4 ? 8 : 20);
        out.writeByte(0);
        out.writeByte(family == 4 ? 0x01 : 0x02);
        out.writeShort(peerPort ^ (MAGIC_COOKIE >>> 16));
        if (family == 4) {
            int ip = ((peerAddress[0] & 0xFF) << 24) | ((peerAddress[1] & 0xFF) << 16) | ((peerAddress[2] & 0xFF) << 8)
                    | (peerAddress[3] & 0xFF);
            out.writeInt(ip ^ MAGIC_COOKIE);
        } else {
            for (int i = 0; i < 16; i++) {
                int k;
                if (i < 4) {
                    k = MAGIC_COOKIE >>> (24 - 8 * i);
                } else if (i < 8) {
                    k = t0 >>> (24 - 8 * (i - 4));
                } else {
                    k = (int) (t1 >>> (56 - 8 * (i - 8)));
                }
                out.writeByte((peerAddress[i] ^ k) & 0xFF);
            }
        }
        out.writeShort(AttributeType.DATA);
        out.writeShort(dataLength);
        out.writeBytes(data, dataIndex, dataLength);
        int pad = (4 - (dataLength & 3)) & 3;
        out.writeZero(pad);
        assert out.writerIndex() - start == HEADER + bodyLength;
    }
}
