package io.turngate.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SegmentBatch} against an {@link EmbeddedChannel}, which keeps what is written: which datagrams join a GSO
 * batch, where batches close, and that the bytes of a batch are the datagrams back to back.
 */
class SegmentBatchTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress A_AGAIN = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 40002);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Throwable> failures = new ArrayList<>();
    private final SegmentBatch.Gso gso = new SegmentBatch.Gso(true, failures::add);
    private final SegmentBatch batch = new SegmentBatch(gso);
    private final List<Object> written = new ArrayList<>();

    @AfterEach
    void release() {
        batch.discard();
        for (Object o : written) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
        channel.finishAndReleaseAll();
    }

    private static byte[] datagram(int index, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (31 * index + 7));
        if (size > 0) {
            b[0] = (byte) index;
        }
        return b;
    }

    private void add(InetSocketAddress to, byte[] data) {
        batch.next(channel, to, data.length).writeBytes(data);
    }

    /** Flushes the batch and the channel and returns what reached the channel's outbound side since the last call. */
    private List<Object> drain() {
        batch.flush(channel);
        channel.flush();
        List<Object> out = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            out.add(o);
            written.add(o);
        }
        return out;
    }

    private static byte[] bytes(DatagramPacket p) {
        return ByteBufUtil.getBytes(p.content());
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void equalDatagramsToOneDestinationBecomeOneGsoSend() {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(datagram(i, 100));
            add(i % 2 == 0 ? A : A_AGAIN, sent.get(i)); // equal addresses, different objects
        }
        assertEquals(10, batch.pending());
        List<Object> out = drain();
        assertEquals(1, out.size(), "writes");
        SegmentedDatagramPacket p = assertInstanceOf(SegmentedDatagramPacket.class, out.get(0));
        assertEquals(100, p.segmentSize());
        assertEquals(A, p.recipient());
        assertArrayEquals(concat(sent), bytes(p));
        assertEquals(1, gso.counters().get(SegmentBatch.Gso.SENDS));
        assertEquals(10, gso.counters().get(SegmentBatch.Gso.SEGMENTS));
        assertEquals(0, batch.pending());
    }

    @Test
    void aLoneDatagramIsAPlainDatagramPacket() {
        byte[] d = datagram(1, 321);
        add(A, d);
        List<Object> out = drain();
        assertEquals(1, out.size());
        assertFalse(out.get(0) instanceof SegmentedDatagramPacket, "a batch of one is not a GSO send");
        DatagramPacket p = assertInstanceOf(DatagramPacket.class, out.get(0));
        assertArrayEquals(d, bytes(p));
        assertEquals(A, p.recipient());
        assertEquals(0, gso.counters().get(SegmentBatch.Gso.SENDS));
    }

    @Test
    void anotherDestinationOrABiggerDatagramClosesTheBatch() {
        add(A, datagram(0, 100));
        add(A, datagram(1, 100));
        add(B, datagram(2, 100)); // closes A's batch
        add(B, datagram(3, 200)); // bigger: closes B's batch of one
        add(B, datagram(4, 200));
        List<Object> out = drain();
        assertEquals(3, out.size(), "writes: A×2, B×1, B×2");
        SegmentedDatagramPacket first = assertInstanceOf(SegmentedDatagramPacket.class, out.get(0));
        assertEquals(A, first.recipient());
        assertEquals(200, first.content().readableBytes());
        assertFalse(out.get(1) instanceof SegmentedDatagramPacket);
        assertArrayEquals(datagram(2, 100), bytes((DatagramPacket) out.get(1)));
        SegmentedDatagramPacket third = assertInstanceOf(SegmentedDatagramPacket.class, out.get(2));
        assertEquals(B, third.recipient());
        assertEquals(200, third.segmentSize());
        assertArrayEquals(concat(List.of(datagram(3, 200), datagram(4, 200))), bytes(third));
    }

    @Test
    void aShorterDatagramJoinsAsTheLastSegmentOnly() {
        add(A, datagram(0, 100));
        add(A, datagram(1, 100));
        add(A, datagram(2, 60)); // GSO allows a shorter last segment
        add(A, datagram(3, 100)); // but nothing after it
        List<Object> out = drain();
        assertEquals(2, out.size());
        SegmentedDatagramPacket p = assertInstanceOf(SegmentedDatagramPacket.class, out.get(0));
        assertEquals(100, p.segmentSize());
        assertArrayEquals(concat(List.of(datagram(0, 100), datagram(1, 100), datagram(2, 60))), bytes(p));
        assertArrayEquals(datagram(3, 100), bytes((DatagramPacket) out.get(1)));
    }

    @Test
    void batchesStopAtTheSegmentAndByteLimits() {
        for (int i = 0; i < SegmentBatch.MAX_SEGMENTS + 3; i++) {
            add(A, datagram(i, 100));
        }
        List<Object> out = drain();
        assertEquals(2, out.size());
        assertEquals(SegmentBatch.MAX_SEGMENTS * 100, ((DatagramPacket) out.get(0)).content().readableBytes());
        assertEquals(3 * 100, ((DatagramPacket) out.get(1)).content().readableBytes());

        int size = SegmentBatch.MAX_SEGMENT_SIZE; // 1232: 52 fit in MAX_BYTES
        int perBatch = SegmentBatch.MAX_BYTES / size;
        assertTrue(perBatch < SegmentBatch.MAX_SEGMENTS, "the byte limit binds first at " + size + " B");
        for (int i = 0; i < perBatch + 1; i++) {
            add(A, datagram(i, size));
        }
        out = drain();
        assertEquals(2, out.size());
        assertEquals(perBatch * size, ((DatagramPacket) out.get(0)).content().readableBytes());
        assertTrue(((DatagramPacket) out.get(0)).content().readableBytes() <= SegmentBatch.MAX_BYTES);
    }

    @Test
    void datagramsBiggerThanTheSafeSegmentAreSentOneByOne() {
        int size = SegmentBatch.MAX_SEGMENT_SIZE + 1;
        for (int i = 0; i < 4; i++) {
            add(A, datagram(i, size));
        }
        List<Object> out = drain();
        assertEquals(4, out.size());
        for (int i = 0; i < 4; i++) {
            assertFalse(out.get(i) instanceof SegmentedDatagramPacket, "datagram " + i);
            assertArrayEquals(datagram(i, size), bytes((DatagramPacket) out.get(i)));
        }
        assertEquals(0, gso.counters().get(SegmentBatch.Gso.SENDS));
    }

    @Test
    void emptyDatagramsNeverJoin() {
        add(A, new byte[0]);
        add(A, new byte[0]);
        assertEquals(2, drain().size());
        assertEquals(0, gso.counters().get(SegmentBatch.Gso.SENDS));
    }

    @Test
    void withGsoOffEveryDatagramIsItsOwnWrite() {
        SegmentBatch off = new SegmentBatch(SegmentBatch.Gso.OFF);
        for (int i = 0; i < 5; i++) {
            off.next(channel, A, 100).writeBytes(datagram(i, 100));
        }
        off.flush(channel);
        channel.flush();
        int n = 0;
        for (Object o; (o = channel.readOutbound()) != null; n++) {
            written.add(o);
            assertFalse(o instanceof SegmentedDatagramPacket);
            assertArrayEquals(datagram(n, 100), bytes((DatagramPacket) o));
        }
        assertEquals(5, n);
    }

    @Test
    void aFailedGsoSendTurnsGsoOffOnceAndReportsWhy() {
        channel.close();
        add(A, datagram(0, 100));
        add(A, datagram(1, 100));
        batch.flush(channel); // the closed channel fails the write
        assertFalse(gso.enabled(), "GSO still on after a failed GSO send");
        assertEquals(1, failures.size(), "failure reports");
        add(A, datagram(2, 100));
        add(A, datagram(3, 100));
        assertEquals(1, batch.pending(), "a datagram joined a batch with GSO off");
        batch.flush(channel);
        assertEquals(1, failures.size(), "a plain send failure is not a GSO failure");
    }

    @Test
    void discardReleasesThePendingBuffer() {
        ByteBuf first = batch.next(channel, A, 10).writeZero(10);
        batch.discard();
        assertEquals(0, first.refCnt(), "pending buffer not released");
        assertEquals(0, batch.pending());
        assertNull(channel.readOutbound());
    }
}
