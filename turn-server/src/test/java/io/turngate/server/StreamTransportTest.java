package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.SourceRateLimiter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TURN-TCP connection ({@link StreamFrameDecoder} and {@link StreamClientHandler} over a real {@link StreamCore})
 * in an {@link EmbeddedChannel}, with a clock the test moves: STUN answered on the stream, bad streams closed and
 * counted, the first-request and idle deadlines, and back-pressure when the client does not read.
 */
class StreamTransportTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final StreamLimits LIMITS = StreamLimits.defaults().withTimeouts(10_000, 30_000, 5_000)
            .withMaxFrameBytes(2048);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ListenerRuntime listener;
    private final StreamCore core;
    private final EmbeddedChannel ch;

    /** An embedded channel whose peer is {@link #CLIENT}, as a TCP connection's would be. */
    private static final class Connection extends EmbeddedChannel {
        Connection() {
            super(false, false);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return CLIENT;
        }
    }

    StreamTransportTest() throws Exception {
        StunnerConfig cfg = TestGateways.config(ListenerProtocol.TURN_TCP, 3478, "", "", "127.0.0.1");
        ListenerConfig l = cfg.listeners().get(0);
        RequestAuthenticator auth = new RequestAuthenticator(cfg.auth(),
                StatelessNonce.withRandomSecret(System::currentTimeMillis, 3_600_000L), System::currentTimeMillis);
        Services services = new Services(auth, new SelfAddresses(), now::get, Transport.NIO, false,
                SourceRateLimiter.unlimited(), 0, 0);
        listener = new ListenerRuntime(l, InetAddress.getByName("127.0.0.1"), RoutePolicy.compile(cfg, l, Map.of()),
                services);
        ch = new Connection();
        ch.register();
        core = new StreamCore(StreamListener.unbound(listener, LIMITS), ch.eventLoop(), services);
        listener.handlers.add(core);
        ch.pipeline().addLast(new StreamFrameDecoder(LIMITS.maxFrameBytes()), new StreamClientHandler(core, LIMITS));
    }

    private ListenerStats stats() {
        return new ListenerStats(listener.totals());
    }

    private void receive(byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private byte[] sent() {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] bindingRequest(TransactionId tid) {
        return TestTurnClient.encode(StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, tid), null, false);
    }

    private void advanceSeconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
        core.sweep();
        ch.runPendingTasks();
    }

    @Test
    void bindingRequestSplitOverReadsIsAnsweredOnTheConnection() {
        TransactionId tid = TransactionId.random();
        byte[] req = bindingRequest(tid);
        receive(Arrays.copyOf(req, 7));
        assertNull(sent());
        receive(Arrays.copyOfRange(req, 7, req.length));
        byte[] answer = sent();
        assertNotNull(answer, "the Binding response, flushed at the end of the read");
        ReceivedStun r = TestTurnClient.decode(answer);
        assertEquals(StunClass.SUCCESS_RESPONSE, r.message().messageClass());
        assertEquals(tid, r.message().transactionId());
        assertEquals(CLIENT, r.message().attribute(XorMappedAddress.class).address(),
                "RFC 8489 §14.2: the connection's remote address");
        assertEquals(1, stats().rxPackets());
        assertEquals(req.length, stats().rxBytes());
        assertEquals(1, stats().txPackets());
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void twoRequestsInOneReadGetTwoAnswersInOrder() {
        TransactionId a = TransactionId.random();
        TransactionId b = TransactionId.random();
        byte[] ra = bindingRequest(a);
        byte[] rb = bindingRequest(b);
        byte[] both = Arrays.copyOf(ra, ra.length + rb.length);
        System.arraycopy(rb, 0, both, ra.length, rb.length);
        receive(both);
        assertEquals(a, TestTurnClient.decode(sent()).message().transactionId());
        assertEquals(b, TestTurnClient.decode(sent()).message().transactionId());
        assertFalse(ch.finish());
    }

    @Test
    void somethingThatIsNotTurnClosesTheConnectionAndIsCounted() {
        receive("\u0016\u0003\u0001 a TLS ClientHello on a TCP listener".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFalse(ch.isOpen(), "a stream that cannot be framed is closed");
        assertEquals(1, stats().counter(Counter.STREAM_NOT_TURN));
        assertEquals(0, stats().counter(Counter.HANDLER_ERRORS));
        assertEquals(0, core.connectionCount());
        assertFalse(ch.finish());
    }

    @Test
    void oversizedFrameClosesTheConnectionAndIsCounted() {
        receive(new byte[] {0x40, 0x01, 0x7F, (byte) 0xFF});
        assertFalse(ch.isOpen());
        assertEquals(1, stats().counter(Counter.STREAM_OVERSIZED_FRAME));
        assertFalse(ch.finish());
    }

    @Test
    void halfSentFrameThenSilenceIsClosedAtTheFirstRequestTimeout() {
        byte[] req = bindingRequest(TransactionId.random());
        receive(Arrays.copyOf(req, 12)); // a slowloris: a header that never completes
        advanceSeconds(9);
        assertTrue(ch.isOpen(), "before the first-request timeout");
        advanceSeconds(1);
        assertFalse(ch.isOpen(), "no valid STUN message within 10 s");
        assertEquals(1, stats().counter(Counter.STREAM_FIRST_REQUEST_TIMEOUT));
        assertEquals(0, stats().counter(Counter.STREAM_IDLE_TIMEOUT));
        assertFalse(ch.finish());
    }

    @Test
    void connectionWithoutAllocationIsClosedWhenIdle() {
        receive(bindingRequest(TransactionId.random()));
        assertNotNull(sent());
        advanceSeconds(20);
        receive(new byte[] {0x40, 0x01, 0, 0}); // ChannelData without an allocation: traffic, dropped and counted
        assertEquals(1, stats().counter(Counter.NO_ALLOCATION));
        advanceSeconds(29);
        assertTrue(ch.isOpen(), "traffic 29 s ago");
        advanceSeconds(1);
        assertFalse(ch.isOpen(), "30 s without traffic and no allocation");
        assertEquals(1, stats().counter(Counter.STREAM_IDLE_TIMEOUT));
        assertEquals(0, stats().counter(Counter.STREAM_FIRST_REQUEST_TIMEOUT));
        assertFalse(ch.finish());
    }

    @Test
    void peerDataForAClientThatDoesNotReadIsDroppedAndItsReadsPause() {
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        StreamClientHandler client = ch.pipeline().get(StreamClientHandler.class);
        // A response is queued but not flushed (the client reads nothing): over the high-water mark.
        client.sendResponse(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.runPendingTasks();
        assertFalse(ch.config().isAutoRead(), "reads pause while the client does not read");
        client.writeChannelData(0x4001, Unpooled.wrappedBuffer(new byte[100]), 0, 100);
        client.writeDataIndication(new byte[] {127, 0, 0, 1}, 5000, Unpooled.wrappedBuffer(new byte[100]), 0, 100);
        assertEquals(2, stats().counter(Counter.CLIENT_NOT_WRITABLE), "peer data dropped, not queued");
        client.flush();
        assertArrayEquals(new byte[64], sent(), "only the response was queued");
        assertNull(sent());
        ch.runPendingTasks();
        assertTrue(ch.isWritable());
        assertTrue(ch.config().isAutoRead(), "reads resume once the client has read");
        assertFalse(ch.finish());
    }

    /** A relay socket stand-in whose outbound buffer is full (64 B queued over a 16 B high-water mark). */
    private static EmbeddedChannel fullRelay() {
        EmbeddedChannel relay = new EmbeddedChannel(new StreamCore.RelayWritability());
        relay.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        relay.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(relay.isWritable());
        return relay;
    }

    @Test
    void readsPauseWhileEitherRelaySocketOfADualAllocationIsFull() {
        StreamClientHandler client = ch.pipeline().get(StreamClientHandler.class);
        EmbeddedChannel ipv4 = fullRelay();
        EmbeddedChannel ipv6 = fullRelay();
        client.pauseIfFull(ipv4);
        client.pauseIfFull(ipv6);
        client.pauseIfFull(ipv4); // a second read batch while still full: no second pause to undo
        assertFalse(ch.config().isAutoRead(), "reads pause while the relay sockets cannot send");
        ipv4.flush(); // drains: the IPv4 socket is writable again, the IPv6 one still full
        assertTrue(ipv4.isWritable());
        assertFalse(ch.config().isAutoRead(), "still paused: the IPv6 relay socket is full");
        ipv6.close(); // a closed relay socket resumes too
        assertTrue(ch.config().isAutoRead(), "reads resume once neither relay socket is full");
        ipv4.finishAndReleaseAll();
        ipv6.finishAndReleaseAll();
        assertFalse(ch.finish());
    }

    @Test
    void channelDataToTheClientIsPaddedToFourBytes() {
        StreamClientHandler client = ch.pipeline().get(StreamClientHandler.class);
        client.writeChannelData(0x4001, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5}), 0, 5);
        client.flush();
        assertArrayEquals(new byte[] {0x40, 0x01, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0}, sent(), "RFC 8656 §12.5");
        assertEquals(12, stats().txBytes());
        assertFalse(ch.finish());
    }

    @Test
    void closedConnectionLeavesTheCore() {
        assertEquals(1, core.connectionCount());
        ch.close().syncUninterruptibly();
        assertEquals(0, core.connectionCount());
        assertFalse(ch.finish());
    }
}
