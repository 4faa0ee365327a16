package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.DontFragment;
import io.turngate.stun.attr.Software;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttribute;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot-path Send indication reader and Data indication writer (RFC 8656 §10), checked against the project's
 * general STUN codec. Every test runs over heap and direct buffers, at a non-zero offset, and releases them.
 */
class IndicationsTest {
    private static final byte[] PAYLOAD = {'h', 'e', 'l', 'l', 'o', '!', 0, (byte) 0xFF, 42};

    private static InetSocketAddress sa(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private static byte[] encode(StunMessage m, boolean fingerprint) {
        ByteBuf out = Unpooled.buffer();
        try {
            StunCodec.encode(m, out, null, fingerprint);
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
        }
    }

    private static byte[] send(TransactionId tid, boolean fingerprint, StunAttribute... attrs) {
        return encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, tid, attrs), fingerprint);
    }

    /** Copies {@code msg} into a buffer (heap or direct) after {@code prefix} junk bytes; returns it. */
    private static ByteBuf place(byte[] msg, int prefix, boolean direct) {
        ByteBuf b = direct ? Unpooled.directBuffer(prefix + msg.length + 16) : Unpooled.buffer(prefix + msg.length + 16);
        for (int i = 0; i < prefix; i++) {
            b.writeByte(0xEE);
        }
        b.writeBytes(msg);
        b.writeZero(7); // trailing junk beyond the datagram must be ignored
        return b;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void parsesIpv4SendIndication(boolean direct) throws Exception {
        byte[] msg = send(TransactionId.random(), false, new XorPeerAddress(sa("192.0.2.33", 40_000)), new Data(PAYLOAD));
        ByteBuf buf = place(msg, 13, direct);
        try {
            Indications ind = new Indications();
            assertTrue(ind.parseSend(buf, 13, msg.length));
            assertEquals(4, ind.peerFamily());
            assertEquals(40_000, ind.peerPort());
            assertEquals(ByteBuffer.wrap(new byte[] {(byte) 192, 0, 2, 33}).getInt(), ind.peerIpv4());
            assertEquals(PAYLOAD.length, ind.dataLength());
            byte[] data = new byte[ind.dataLength()];
            buf.getBytes(ind.dataOffset(), data);
            assertArrayEquals(PAYLOAD, data);
            assertEquals(0, ind.unknownRequired());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void parsesIpv6SendIndicationWithFingerprint(boolean direct) throws Exception {
        InetAddress v6 = InetAddress.getByName("2001:db8:1:2:3:4:5:6789");
        TransactionId tid = new TransactionId(0x01020304, 0x05060708090A0B0CL);
        byte[] msg = send(tid, true, new Data(PAYLOAD), new XorPeerAddress(new InetSocketAddress(v6, 3478)),
                new Software("test"));
        ByteBuf buf = place(msg, 5, direct);
        try {
            Indications ind = new Indications();
            assertTrue(ind.parseSend(buf, 5, msg.length));
            assertEquals(6, ind.peerFamily());
            assertEquals(3478, ind.peerPort());
            ByteBuffer expected = ByteBuffer.wrap(v6.getAddress());
            assertEquals(expected.getLong(0), ind.peerIpv6High());
            assertEquals(expected.getLong(8), ind.peerIpv6Low());
            byte[] data = new byte[ind.dataLength()];
            buf.getBytes(ind.dataOffset(), data);
            assertArrayEquals(PAYLOAD, data);
            assertEquals(0, ind.unknownRequired(), "SOFTWARE is comprehension-optional");
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsBadFingerprint(boolean direct) throws Exception {
        byte[] msg = send(TransactionId.random(), true, new XorPeerAddress(sa("192.0.2.1", 9)), new Data(PAYLOAD));
        msg[msg.length - 1] ^= 1;
        ByteBuf buf = place(msg, 3, direct);
        try {
            assertFalse(new Indications().parseSend(buf, 3, msg.length));
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsFingerprintThatIsNotLast() throws Exception {
        byte[] good = send(TransactionId.random(), true, new XorPeerAddress(sa("192.0.2.1", 9)), new Data(PAYLOAD));
        // Append an optional attribute after FINGERPRINT and fix the length field.
        byte[] msg = Arrays.copyOf(good, good.length + 8);
        msg[good.length] = (byte) 0x80;
        msg[good.length + 1] = 0x22;
        msg[good.length + 3] = 4;
        int len = msg.length - 20;
        msg[2] = (byte) (len >>> 8);
        msg[3] = (byte) len;
        ByteBuf buf = Unpooled.wrappedBuffer(msg);
        try {
            assertFalse(new Indications().parseSend(buf, 0, msg.length));
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsMissingPeerOrData() throws Exception {
        byte[] noData = send(TransactionId.random(), false, new XorPeerAddress(sa("192.0.2.1", 9)));
        byte[] noPeer = send(TransactionId.random(), false, new Data(PAYLOAD));
        for (byte[] msg : List.of(noData, noPeer)) {
            ByteBuf buf = Unpooled.wrappedBuffer(msg);
            try {
                assertFalse(new Indications().parseSend(buf, 0, msg.length));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void rejectsStructuralDamage() throws Exception {
        byte[] good = send(TransactionId.random(), false, new XorPeerAddress(sa("192.0.2.1", 9)), new Data(PAYLOAD));
        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(good, 19));                          // shorter than a header
        byte[] cookie = good.clone();
        cookie[4] = 0x22;                                            // wrong magic cookie
        bad.add(cookie);
        byte[] odd = good.clone();
        odd[3] = (byte) (odd[3] + 1);                                // length not a multiple of 4
        bad.add(odd);
        byte[] beyond = good.clone();
        beyond[3] = (byte) (beyond[3] + 4);                          // length beyond the datagram
        bad.add(beyond);
        byte[] attrOverrun = good.clone();
        attrOverrun[20 + 2] = 0;
        attrOverrun[20 + 3] = (byte) 200;                            // first attribute overruns the message
        bad.add(attrOverrun);
        byte[] badFamily = good.clone();
        badFamily[20 + 5] = 0x03;                                    // XOR-PEER-ADDRESS family 3
        bad.add(badFamily);
        byte[] v4Len = good.clone();
        v4Len[20 + 3] = 20;                                          // family 1 with IPv6 length
        bad.add(v4Len);
        for (byte[] msg : bad) {
            ByteBuf buf = Unpooled.wrappedBuffer(msg);
            try {
                assertFalse(new Indications().parseSend(buf, 0, msg.length), () -> "accepted " + Arrays.toString(msg));
            } finally {
                buf.release();
            }
        }
        ByteBuf ok = Unpooled.wrappedBuffer(good);
        try {
            assertTrue(new Indications().parseSend(ok, 0, good.length));
        } finally {
            ok.release();
        }
    }

    @Test
    void countsUnknownComprehensionRequiredButNotOptionalOrDontFragment() throws Exception {
        byte[] msg = send(TransactionId.random(), false, new XorPeerAddress(sa("192.0.2.1", 9)), new Data(PAYLOAD),
                new DontFragment(), new UnknownAttribute(0x8123, new byte[3]), new UnknownAttribute(0x7001, new byte[1]),
                new UnknownAttribute(0x0031, new byte[0]));
        ByteBuf buf = Unpooled.wrappedBuffer(msg);
        try {
            Indications ind = new Indications();
            assertTrue(ind.parseSend(buf, 0, msg.length));
            assertEquals(2, ind.unknownRequired());
        } finally {
            buf.release();
        }
    }

    @Test
    void parserStateDoesNotLeakBetweenPackets() throws Exception {
        Indications ind = new Indications();
        byte[] v6 = send(TransactionId.random(), false, new XorPeerAddress(sa("2001:db8::1", 1)), new Data(PAYLOAD),
                new UnknownAttribute(0x7001, new byte[1]));
        byte[] noPeer = send(TransactionId.random(), false, new Data(new byte[] {1}));
        ByteBuf a = Unpooled.wrappedBuffer(v6);
        ByteBuf b = Unpooled.wrappedBuffer(noPeer);
        try {
            assertTrue(ind.parseSend(a, 0, v6.length));
            assertEquals(1, ind.unknownRequired());
            assertFalse(ind.parseSend(b, 0, noPeer.length), "the previous packet's peer must not be reused");
        } finally {
            a.release();
            b.release();
        }
    }

    // ------------------------------------------------------------------------------------------------ writer

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 100, 1203})
    void writesDataIndicationThatDecodes(int length) throws Exception {
        for (String ip : new String[] {"198.51.100.7", "2001:db8::abcd:1"}) {
            InetAddress peer = InetAddress.getByName(ip);
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (i * 7 + 1);
            }
            ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
            ByteBuf src = alloc.directBuffer(length + 10);
            ByteBuf out = alloc.directBuffer(256);
            try {
                src.writeZero(10);
                src.writeBytes(payload);
                out.writeBytes(new byte[] {9, 9, 9}); // the writer appends after existing content
                int family = peer.getAddress().length == 4 ? 4 : 6;
                Indications.writeDataIndication(out, peer.getAddress(), 61_234, src, 10, length);
                assertEquals(3 + Indications.dataIndicationLength(family, length), out.readableBytes());
                out.skipBytes(3);
                ReceivedStun r = StunCodec.decode(out);
                StunMessage m = r.message();
                assertEquals(StunMethod.DATA, m.method());
                assertEquals(StunClass.INDICATION, m.messageClass());
                assertEquals(new InetSocketAddress(peer, 61_234), m.attribute(XorPeerAddress.class).address());
                assertArrayEquals(payload, m.attribute(Data.class).value());
                assertEquals(0, src.readerIndex(), "source indices untouched");
            } finally {
                src.release();
                out.release();
            }
        }
    }

    @Test
    void dataIndicationsGetFreshTransactionIds() throws Exception {
        byte[] peer = InetAddress.getByName("192.0.2.5").getAddress();
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1});
        ByteBuf a = Unpooled.buffer();
        ByteBuf b = Unpooled.buffer();
        try {
            Indications.writeDataIndication(a, peer, 1, data, 0, 1);
            Indications.writeDataIndication(b, peer, 1, data, 0, 1);
            assertFalse(StunCodec.decode(a).message().transactionId().equals(StunCodec.decode(b).message().transactionId()));
        } finally {
            data.release();
            a.release();
            b.release();
        }
    }

    @Test
    void roundTripWriterThroughReaderShape() throws Exception {
        // A Data indication has Send's layout (XOR-PEER-ADDRESS, DATA); relabelled as Send, the reader must agree.
        byte[] peer = InetAddress.getByName("2001:db8::77").getAddress();
        ByteBuf data = Unpooled.wrappedBuffer(PAYLOAD);
        ByteBuf out = Unpooled.buffer();
        try {
            Indications.writeDataIndication(out, peer, 5004, data, 0, PAYLOAD.length);
            out.setShort(0, Indications.SEND_INDICATION);
            Indications ind = new Indications();
            assertTrue(ind.parseSend(out, 0, out.readableBytes()));
            assertEquals(6, ind.peerFamily());
            assertEquals(5004, ind.peerPort());
            ByteBuffer p = ByteBuffer.wrap(peer);
            assertEquals(p.getLong(0), ind.peerIpv6High());
            assertEquals(p.getLong(8), ind.peerIpv6Low());
        } finally {
            data.release();
            out.release();
        }
    }
}
