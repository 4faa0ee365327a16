package io.turngate.relay;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.turngate.fuzz.RecordingLeakDetector;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMethod;
import io.turngate.stun.StunMessage;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz targets (Jazzer) for the hot-path readers: the ChannelData accessors (RFC 8656 §12.4) and the
 * Send-indication reader (RFC 8656 §10.2), in one target since the listener demultiplexes a datagram between them.
 * Corpus: {@code src/test/resources/io/turngate/relay/RelayReadersFuzzTestInputs/datagram/} (Chromium and coturn
 * captures). Each datagram is read where the server reads
 * it: at an offset inside a larger buffer, in a heap and in a pooled direct buffer, and both must give the same
 * answers (the CRC of FINGERPRINT takes a different path for each). Readers never throw, never read past
 * {@code offset + length} (the buffer ends there, so such a read would throw; the bytes before the offset are
 * poison) and never touch the buffer's indices or reference count.
 */
class RelayReadersFuzzTest {
    /** Bytes before the datagram in the buffer, so that an absolute-index bug shows. */
    private static final int OFFSET = 7;
    /** What surrounds the datagram. */
    private static final byte POISON = (byte) 0xA5;
    private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;

    /** One reader per event loop in the server, reused for every packet: so here, one for every input. */
    private final Indications heapReader = new Indications();
    private final Indications directReader = new Indications();

    @BeforeAll
    static void leakDetection() {
        RecordingLeakDetector.assertInstalled();
    }

    @AfterAll
    static void noLeak() {
        RecordingLeakDetector.assertNoLeakReported();
    }

    /**
     * One datagram, read the way the listener demultiplexes it (RFC 8656 §12, RFC 7983): every input goes through
     * both readers, since each must cope with anything.
     * <ul>
     *   <li>{@link ChannelData}: the accessors read the header as written, {@code isComplete} holds exactly when the
     *       declared data fits, and a header written by {@code writeHeader} reads back;</li>
     *   <li>{@link Indications#parseSend}: heap and direct buffers agree; on success the peer family is 4 or 6 and
     *       the DATA lies inside the message; where {@link StunCodec} decodes the datagram as a Send indication with
     *       XOR-PEER-ADDRESS and DATA the reader must accept it with the same peer and data; and the Data indication
     *       written for that peer and data decodes to them.</li>
     * </ul>
     */
    @FuzzTest(maxDuration = "20s")
    void datagram(byte[] datagram) {
        ByteBuf heap = embed(datagram, false);
        ByteBuf direct = embed(datagram, true);
        try {
            checkChannelData(heap, datagram);
            checkChannelData(direct, datagram);
            boolean heapOk = heapReader.parseSend(heap, OFFSET, datagram.length);
            boolean directOk = directReader.parseSend(direct, OFFSET, datagram.length);
            assertUntouched(heap, datagram.length);
            assertUntouched(direct, datagram.length);
            assertEquals(heapOk, directOk, "heap and direct buffers agree");
            if (heapOk) {
                assertSameResult(heapReader, directReader);
                checkAccepted(heapReader, datagram);
            }
            checkAgainstCodec(heap, datagram, heapOk);
            if (heapOk) {
                dataIndicationRoundTrip(heap, heapReader);
            }
        } finally {
            release(heap);
            release(direct);
        }
    }

    private static void checkChannelData(ByteBuf buf, byte[] datagram) {
        int n = datagram.length;
        boolean complete = ChannelData.isComplete(buf, OFFSET, n);
        if (n == 0) {
            assertFalse(complete, "an empty datagram is not complete");
            return;
        }
        assertEquals((datagram[0] & 0xC0) == 0x40, ChannelData.isChannelData(buf, OFFSET), "isChannelData");
        if (n < ChannelData.HEADER_LENGTH) {
            assertFalse(complete, "a datagram shorter than the header is not complete");
            return;
        }
        int number = u16(datagram, 0);
        int length = u16(datagram, 2);
        assertEquals(number, ChannelData.channelNumber(buf, OFFSET), "channelNumber");
        assertEquals(length, ChannelData.length(buf, OFFSET), "length");
        assertEquals(n - ChannelData.HEADER_LENGTH >= length, complete, "isComplete");
        if (complete) {
            // What the server forwards to the peer: the data, read in place.
            byte[] data = new byte[length];
            buf.getBytes(OFFSET + ChannelData.HEADER_LENGTH, data);
            assertArrayEquals(Arrays.copyOfRange(datagram, 4, 4 + length), data, "data");
        }
        ByteBuf out = POOLED.buffer(ChannelData.HEADER_LENGTH);
        try {
            ChannelData.writeHeader(out, number, length);
            assertEquals(number, ChannelData.channelNumber(out, 0), "channelNumber of writeHeader");
            assertEquals(length, ChannelData.length(out, 0), "length of writeHeader");
        } finally {
            out.release();
        }
        assertUntouched(buf, datagram.length);
    }

    private static void checkAccepted(Indications r, byte[] datagram) {
        int family = r.peerFamily();
        assertTrue(family == 4 || family == 6, "peer family " + family);
        int messageLength = u16(datagram, 2);
        int start = OFFSET + 20 + 4;
        int end = OFFSET + 20 + messageLength;
        assertTrue(r.dataOffset() >= start && r.dataOffset() + r.dataLength() <= end,
                () -> "DATA at " + r.dataOffset() + "+" + r.dataLength() + " (expected: inside " + start + ".." + end
                        + ")");
        assertTrue(r.unknownRequired() >= 0, "unknownRequired");
    }

    private static void assertSameResult(Indications a, Indications b) {
        assertEquals(a.peerFamily(), b.peerFamily(), "family");
        assertEquals(a.peerPort(), b.peerPort(), "port");
        assertEquals(a.peerFamily() == 4 ? a.peerIpv4() : 0, b.peerFamily() == 4 ? b.peerIpv4() : 0, "IPv4");
        if (a.peerFamily() == 6) {
            assertEquals(a.peerIpv6High(), b.peerIpv6High(), "IPv6 high");
            assertEquals(a.peerIpv6Low(), b.peerIpv6Low(), "IPv6 low");
        }
        assertEquals(a.dataOffset(), b.dataOffset(), "data offset");
        assertEquals(a.dataLength(), b.dataLength(), "data length");
        assertEquals(a.unknownRequired(), b.unknownRequired(), "unknownRequired");
    }

    /** Where the full codec reads a Send indication with a peer and data, the hot-path reader reads the same. */
    private static void checkAgainstCodec(ByteBuf buf, byte[] datagram, boolean readerOk) {
        StunMessage m;
        try {
            ReceivedStun r = StunCodec.decode(buf.slice(OFFSET, datagram.length));
            m = r.message();
        } catch (StunCodecException e) {
            return; // the reader is more lenient (trailing bytes, malformed attributes it does not read)
        }
        if (m.method() != StunMethod.SEND || m.messageClass() != StunClass.INDICATION) {
            return;
        }
        XorPeerAddress peer = m.attribute(XorPeerAddress.class);
        Data data = m.attribute(Data.class);
        if (peer == null || data == null) {
            assertFalse(readerOk, "the reader accepted a Send indication without XOR-PEER-ADDRESS or DATA");
            return;
        }
        Indications fresh = new Indications();
        assertTrue(fresh.parseSend(buf, OFFSET, datagram.length),
                () -> "the codec decodes a Send indication the reader drops: " + m);
        assertEquals(peer.address(), peerOf(fresh), "peer");
        byte[] readerData = new byte[fresh.dataLength()];
        buf.getBytes(fresh.dataOffset(), readerData);
        assertArrayEquals(data.value(), readerData, "data");
    }

    /** The Data indication the server would send back from this peer with this data decodes to them. */
    private static void dataIndicationRoundTrip(ByteBuf buf, Indications r) {
        InetSocketAddress peer = peerOf(r);
        byte[] address = r.peerFamily() == 4 ? ipv4(r.peerIpv4()) : ipv6(r.peerIpv6High(), r.peerIpv6Low());
        ByteBuf out = POOLED.directBuffer(Indications.dataIndicationLength(r.peerFamily(), r.dataLength()));
        try {
            Indications.writeDataIndication(out, address, r.peerPort(), buf, r.dataOffset(), r.dataLength());
            assertEquals(Indications.dataIndicationLength(r.peerFamily(), r.dataLength()), out.readableBytes(),
                    "dataIndicationLength");
            StunMessage m;
            try {
                m = StunCodec.decode(out).message();
            } catch (StunCodecException e) {
                throw new AssertionError("a written Data indication does not decode: " + e.getMessage() + "\n"
                        + ByteBufUtil.prettyHexDump(out), e);
            }
            assertEquals(StunMethod.DATA, m.method(), "method");
            assertEquals(StunClass.INDICATION, m.messageClass(), "class");
            XorPeerAddress p = m.attribute(XorPeerAddress.class);
            Data d = m.attribute(Data.class);
            assertNotNull(p, "XOR-PEER-ADDRESS");
            assertNotNull(d, "DATA");
            assertEquals(peer, p.address(), "peer");
            byte[] data = new byte[r.dataLength()];
            buf.getBytes(r.dataOffset(), data);
            assertArrayEquals(data, d.value(), "data");
        } finally {
            out.release();
        }
    }

    private static InetSocketAddress peerOf(Indications r) {
        byte[] address = r.peerFamily() == 4 ? ipv4(r.peerIpv4()) : ipv6(r.peerIpv6High(), r.peerIpv6Low());
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), r.peerPort());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] ipv4(int ip) {
        return ByteBuffer.allocate(4).putInt(ip).array();
    }

    private static byte[] ipv6(long high, long low) {
        return ByteBuffer.allocate(16).putLong(high).putLong(low).array();
    }

    /**
     * The datagram at {@link #OFFSET} of a buffer with poison before it and nothing after it: its capacity ends with
     * the datagram, so a read past the end throws. Reader index 0.
     */
    private static ByteBuf embed(byte[] datagram, boolean direct) {
        int capacity = OFFSET + datagram.length;
        ByteBuf buf = direct ? POOLED.directBuffer(capacity, capacity) : POOLED.heapBuffer(capacity, capacity);
        for (int i = 0; i < OFFSET; i++) {
            buf.writeByte(POISON);
        }
        buf.writeBytes(datagram);
        assertEquals(capacity, buf.capacity(), "capacity");
        return buf;
    }

    private static void assertUntouched(ByteBuf buf, int length) {
        assertEquals(0, buf.readerIndex(), "reader index");
        assertEquals(OFFSET + length, buf.writerIndex(), "writer index");
        assertEquals(1, buf.refCnt(), "refCnt: readers neither retain nor release");
    }

    private static void release(ByteBuf buf) {
        buf.release();
        assertEquals(0, buf.refCnt(), "refCnt after release");
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }
}
