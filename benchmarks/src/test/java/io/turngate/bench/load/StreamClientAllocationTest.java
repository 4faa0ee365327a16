package io.turngate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorRelayedAddress;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ClientAllocation} on a TCP connection, driven through an {@link EmbeddedChannel} standing in for the
 * stream: what it writes (ChannelData padded, RFC 8656 §12.5; requests sent once, RFC 8489 §6.2.2) and how it reads
 * a stream cut anywhere.
 */
class StreamClientAllocationTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

    private static RunSettings settings(RunSettings.Transport transport, int payload, RunSettings.Mode mode) {
        return new RunSettings(SERVER, "user-1", "pass-1", mode, payload, 1000, 8, 1, 100, 200, 500, 6, 0, false,
                transport);
    }

    /** A channel with one allocation on it; the worker runs on the channel's own loop. */
    private static final class Fixture {
        final EmbeddedChannel ch = new EmbeddedChannel();
        final Worker worker;
        final ClientAllocation allocation;

        Fixture(RunSettings settings) {
            worker = new Worker(0, ch.eventLoop(), settings);
            allocation = new ClientAllocation(0, worker, PEER);
            ch.pipeline().addLast(allocation);
        }

        /** Everything written since the last call, as one byte array. */
        byte[] written() {
            ByteBuf all = Unpooled.buffer();
            try {
                for (Object o; (o = ch.readOutbound()) != null; ) {
                    ByteBuf b = (ByteBuf) o;
                    all.writeBytes(b);
                    b.release();
                }
                byte[] out = new byte[all.readableBytes()];
                all.readBytes(out);
                return out;
            } finally {
                all.release();
            }
        }
    }

    @Test
    void channelDataOverTcpIsPaddedToFourWithTheUnpaddedLengthInItsHeader() {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 101, RunSettings.Mode.CHANNEL));
        for (int i = 0; i < 3; i++) {
            assertTrue(f.allocation.sendProbe(System.nanoTime()));
        }
        f.allocation.flush();
        byte[] out = f.written();
        assertEquals(3 * (4 + 104), out.length, "4-byte header + 101 bytes + 3 bytes of padding, three times");
        for (int at = 0; at < out.length; at += 108) {
            assertEquals(0x40, out[at] & 0xFF);
            assertEquals(101, ((out[at + 2] & 0xFF) << 8) | (out[at + 3] & 0xFF), "the length leaves out the padding");
            for (int p = 105; p < 108; p++) {
                assertEquals(0, out[at + p], "padding is zero");
            }
        }
        assertFalse(f.ch.finish());
    }

    @Test
    void channelDataOverUdpIsNotPadded() {
        Fixture f = new Fixture(settings(RunSettings.Transport.UDP, 101, RunSettings.Mode.CHANNEL));
        assertTrue(f.allocation.sendProbe(System.nanoTime()));
        f.allocation.flush();
        assertEquals(4 + 101, f.written().length);
        assertFalse(f.ch.finish());
    }

    @Test
    void echoesCutAnywhereInTheStreamAreEachCountedOnce() {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 101, RunSettings.Mode.CHANNEL));
        for (int i = 0; i < 3; i++) {
            f.allocation.sendProbe(System.nanoTime());
        }
        f.allocation.flush();
        byte[] echoes = f.written(); // the server would send back the same padded ChannelData
        int[] cuts = {1, 107, 108, 109, 250};
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : echoes.length;
            ByteBuf piece = f.ch.alloc().buffer(to - from);
            piece.writeBytes(echoes, from, to - from);
            f.ch.writeInbound(piece);
            from = to;
        }
        assertEquals(3, f.worker.delivered);
        assertEquals(0, f.worker.invalid);
        assertEquals(3, f.worker.rtt.getTotalCount());
        assertFalse(f.ch.finish());
    }

    @Test
    void aStreamOutOfStepIsCountedAndTheConnectionClosed() {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 100, RunSettings.Mode.CHANNEL));
        f.ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0, 0, 0}));
        assertEquals(1, f.worker.invalid);
        assertFalse(f.ch.isOpen());
        assertTrue(f.allocation.failureReason().contains("out of step"), f.allocation.failureReason());
        f.ch.finish();
    }

    @Test
    void allocateOverTcpAnswersThe401OnTheSameConnectionAndNeverRetransmits() throws Exception {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 100, RunSettings.Mode.CHANNEL));
        AtomicReference<Boolean> result = new AtomicReference<>();
        f.allocation.allocate((a, ok) -> result.set(ok));
        StunMessage first = StunCodec.decode(Unpooled.wrappedBuffer(f.written())).message();
        assertEquals(StunMethod.ALLOCATE, first.method());
        assertNull(first.attribute(Username.class));

        // RFC 8489 §6.2.2: no retransmission over a reliable transport, however long the answer takes.
        f.ch.advanceTimeBy(10, TimeUnit.SECONDS);
        f.ch.runScheduledPendingTasks();
        assertEquals(0, f.written().length, "a request on a stream is sent once");
        assertNull(result.get(), "and it has not timed out yet (the UDP schedule's total time is longer)");

        // 401 with REALM and NONCE, cut in two pieces.
        byte[] challenge = encode(new StunMessage(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE,
                first.transactionId(), List.of(new ErrorCodeAttribute(401, "Unauthorized"),
                new Realm("stunner.l7mp.io"), new Nonce("n-1"))));
        f.ch.writeInbound(Unpooled.wrappedBuffer(challenge, 0, 7));
        assertEquals(0, f.written().length);
        f.ch.writeInbound(Unpooled.wrappedBuffer(challenge, 7, challenge.length - 7));
        StunMessage second = StunCodec.decode(Unpooled.wrappedBuffer(f.written())).message();
        assertEquals("user-1", second.attribute(Username.class).value());
        assertEquals("n-1", second.attribute(Nonce.class).value());

        InetSocketAddress relayed = new InetSocketAddress("127.0.0.1", 50_000);
        f.ch.writeInbound(Unpooled.wrappedBuffer(encode(new StunMessage(StunMethod.ALLOCATE,
                StunClass.SUCCESS_RESPONSE, second.transactionId(), List.of(new XorRelayedAddress(relayed))))));
        assertEquals(Boolean.TRUE, result.get());
        assertEquals(relayed, f.allocation.relayed());
        assertEquals(ClientAllocation.State.ALLOCATED, f.allocation.state());
        assertFalse(f.ch.finish());
    }

    @Test
    void allocateOverUdpIsRetransmittedOnItsTimer() throws Exception {
        Fixture f = new Fixture(settings(RunSettings.Transport.UDP, 100, RunSettings.Mode.CHANNEL));
        f.allocation.allocate((a, ok) -> { });
        byte[] first = f.written();
        f.ch.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        f.ch.runScheduledPendingTasks();
        byte[] again = f.written();
        assertEquals(first.length, again.length, "the same request again after the first RTO (500 ms)");
        f.ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionClosedDuringAllocateFailsTheRequestAtOnce() {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 100, RunSettings.Mode.CHANNEL));
        AtomicReference<Boolean> result = new AtomicReference<>();
        f.allocation.allocate((a, ok) -> result.set(ok));
        f.written();
        f.ch.close();
        assertEquals(Boolean.FALSE, result.get(), "no waiting for the transaction timeout");
        assertEquals(ClientAllocation.State.FAILED, f.allocation.state());
        assertEquals(0, f.worker.connectionsLost, "no allocation was live yet");
        f.ch.finish();
    }

    @Test
    void aConnectionClosedUnderALiveAllocationIsCountedAndItsDeleteEndsAtOnce() throws Exception {
        Fixture f = new Fixture(settings(RunSettings.Transport.TCP, 100, RunSettings.Mode.CHANNEL));
        AtomicReference<Boolean> result = new AtomicReference<>();
        f.allocation.allocate((a, ok) -> result.set(ok));
        StunMessage first = StunCodec.decode(Unpooled.wrappedBuffer(f.written())).message();
        f.ch.writeInbound(Unpooled.wrappedBuffer(encode(new StunMessage(StunMethod.ALLOCATE,
                StunClass.ERROR_RESPONSE, first.transactionId(), List.of(new ErrorCodeAttribute(401, "Unauthorized"),
                new Realm("stunner.l7mp.io"), new Nonce("n-1"))))));
        StunMessage second = StunCodec.decode(Unpooled.wrappedBuffer(f.written())).message();
        f.ch.writeInbound(Unpooled.wrappedBuffer(encode(new StunMessage(StunMethod.ALLOCATE,
                StunClass.SUCCESS_RESPONSE, second.transactionId(),
                List.of(new XorRelayedAddress(new InetSocketAddress("127.0.0.1", 50_000)))))));
        assertEquals(Boolean.TRUE, result.get());

        f.ch.close();
        assertEquals(ClientAllocation.State.FAILED, f.allocation.state());
        assertEquals(1, f.worker.connectionsLost);
        AtomicReference<Boolean> deleted = new AtomicReference<>();
        f.allocation.delete((a, ok) -> deleted.set(ok));
        assertNotNull(deleted.get(), "delete on a closed connection ends at once instead of waiting for a timeout");
        assertFalse(deleted.get());
        f.ch.finish();
    }

    private static byte[] encode(StunMessage m) throws Exception {
        ByteBuf b = Unpooled.buffer();
        try {
            StunCodec.encode(m, b, null, true);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
