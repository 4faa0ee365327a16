package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireTest {

    @Test
    void probeRoundTripsThroughChannelData() {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeChannelDataHeader(b, 0x4000, 100);
            Wire.writeProbe(b, Worker.EPOCH_MEASURE, 7, 42L, 123_456_789L, 100);
            assertEquals(104, b.readableBytes());
            assertTrue(Wire.isChannelData(b, 0));
            assertEquals(100, Wire.channelDataLength(b, 0));
            assertEquals(Worker.EPOCH_MEASURE, Wire.probeEpoch(b, 4, 100));
            assertEquals(7, Wire.probeIndex(b, 4));
            assertEquals(42L, Wire.probeSeq(b, 4));
            assertEquals(123_456_789L, Wire.probeTime(b, 4));
            assertEquals(-1, Wire.probeEpoch(b, 0, 100), "the ChannelData header is not a probe");
            assertEquals(-1, Wire.probeEpoch(b, 4, 20), "too short for a probe");
        } finally {
            b.release();
        }
    }

    @Test
    void probeCarriesItsIntendedSendTimeBesideItsSendTime() {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeProbe(b, Worker.EPOCH_MEASURE, 1, 2L, 5_000L, 3_000L, Wire.PROBE_MIN_LENGTH);
            assertEquals(32, b.readableBytes());
            assertEquals(5_000L, Wire.probeTime(b, 0));
            assertEquals(3_000L, Wire.probeIntendedTime(b, 0));
            b.clear();
            Wire.writeProbe(b, Worker.EPOCH_MEASURE, 1, 2L, 7_000L, 100);
            assertEquals(7_000L, Wire.probeIntendedTime(b, 0), "no schedule: intended is the send time");
        } finally {
            b.release();
        }
    }

    @Test
    void sendIndicationIsWhatTheStunCodecReadsAndDataIsFoundByOffset() throws Exception {
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 40_000);
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeSendIndicationHead(b, 99L, peer, 34);
            int probeAt = b.writerIndex();
            Wire.writeProbe(b, Worker.EPOCH_WARMUP, 3, 5L, 6L, 34);
            Wire.writePadding(b, 34);
            assertEquals(Wire.sendIndicationLength(34, false), b.readableBytes());
            assertEquals(Wire.SEND_INDICATION, Wire.stunType(b, 0, b.readableBytes()));
            assertFalse(Wire.isChannelData(b, 0));

            int v = Wire.dataAttributeValue(b, 0, b.readableBytes());
            assertEquals(probeAt, v);
            assertEquals(34, b.getUnsignedShort(v - 2));

            StunMessage m = StunCodec.decode(b.duplicate()).message();
            assertEquals(StunMethod.SEND, m.method());
            assertEquals(StunClass.INDICATION, m.messageClass());
            assertEquals(peer, m.attribute(XorPeerAddress.class).address());
            byte[] probe = new byte[34];
            b.getBytes(probeAt, probe);
            assertArrayEquals(probe, m.attribute(Data.class).value());
        } finally {
            b.release();
        }
    }

    @Test
    void ipv6PeerAddressIsXoredWithTheTransactionId() throws Exception {
        InetSocketAddress peer = new InetSocketAddress("::1", 3480);
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeSendIndicationHead(b, 0x0102030405060708L, peer, 32);
            Wire.writeProbe(b, 1, 0, 0, 0, 32);
            Wire.writePadding(b, 32);
            assertEquals(Wire.sendIndicationLength(32, true), b.readableBytes());
            assertEquals(peer, StunCodec.decode(b.duplicate()).message().attribute(XorPeerAddress.class).address());
        } finally {
            b.release();
        }
    }
}
