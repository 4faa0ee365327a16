package io.turngate.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.IllegalReferenceCountException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link OutboundDatagram}: reference counting, recycling, and the envelope for channels that are not turngate's. */
class OutboundDatagramTest {
    private static final InetSocketAddress TO = new InetSocketAddress("127.0.0.1", 5000);

    @Test
    void theLastReleaseReleasesTheContentAndASecondOneIsRefused() {
        ByteBuf content = Unpooled.directBuffer(8).writeLong(42);
        OutboundDatagram d = OutboundDatagram.of(content, TO, 0, null);
        assertSame(content, d.content());
        assertSame(TO, d.recipient());
        d.retain();
        assertFalse(d.release());
        assertEquals(1, content.refCnt());
        assertTrue(d.release());
        assertEquals(0, content.refCnt());
        assertThrows(IllegalReferenceCountException.class, d::release);
        assertThrows(IllegalReferenceCountException.class, d::content);
    }

    @Test
    void aFailedGsoSendTurnsGsoOffOnceAndALoneDatagramsFailureDoesNot() {
        List<Throwable> told = new ArrayList<>();
        SegmentBatch.Gso gso = new SegmentBatch.Gso(true, told::add);
        OutboundDatagram lone = OutboundDatagram.of(Unpooled.directBuffer(4).writeInt(1), TO, 0, gso);
        lone.failed(new java.io.IOException("lone"));
        assertTrue(gso.enabled());
        lone.release();
        OutboundDatagram burst = OutboundDatagram.of(Unpooled.directBuffer(8).writeLong(1), TO, 4, gso);
        burst.failed(new java.io.IOException("EINVAL"));
        burst.failed(new java.io.IOException("again"));
        assertFalse(gso.enabled());
        assertEquals(1, told.size());
        assertEquals("EINVAL", told.get(0).getMessage());
        burst.release();
    }

    @Test
    void onAnyOtherChannelTheEnvelopeIsNettysDatagramPacket() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Object lone = OutboundDatagram.envelope(ch, Unpooled.buffer(4).writeInt(7), TO, 0, null);
        assertEquals(DatagramPacket.class, lone.getClass());
        assertEquals(TO, ((DatagramPacket) lone).recipient());
        Object burst = OutboundDatagram.envelope(ch, Unpooled.buffer(8).writeLong(7), TO, 4, null);
        assertTrue(burst instanceof SegmentedDatagramPacket);
        assertEquals(4, ((SegmentedDatagramPacket) burst).segmentSize());
        ((DatagramPacket) lone).release();
        ((DatagramPacket) burst).release();
        ch.finishAndReleaseAll();
    }
}
