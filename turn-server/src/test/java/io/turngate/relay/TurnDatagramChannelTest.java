package io.turngate.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.TurnDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.turngate.server.Transport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * turngate's epoll datagram channel on loopback, against plain JDK sockets: what it reads (content, sender, the one
 * reused message), what it writes (one datagram, a {@code sendmmsg} batch to several destinations, a UDP GSO send,
 * Netty's {@code DatagramPacket}), and that a refused send costs that datagram only. The allocation-free claim is
 * {@link HotPathAllocationTest}'s.
 */
class TurnDatagramChannelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private EventLoopGroup group;
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final BlockingQueue<Received> reads = new LinkedBlockingQueue<>();

    private record Received(Object message, byte[] content, InetSocketAddress sender) { }

    @BeforeEach
    void epoll() {
        assumeTrue(Transport.detect() == Transport.EPOLL && TurnDatagramChannel.isAvailable(),
                () -> "turngate's epoll channel is not available here: " + TurnDatagramChannel.unavailabilityCause());
        group = Transport.EPOLL.newGroup(1, "turn-datagram-test");
    }

    @AfterEach
    void stop() {
        sockets.forEach(DatagramSocket::close);
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private TurnDatagramChannel bind(SocketProtocolFamily family, InetAddress address) {
        Bootstrap b = Transport.EPOLL.datagramOptions(new Bootstrap(), UdpRelaySocket.RECEIVE_BUFFER)
                .group(group)
                .channelFactory(() -> new TurnDatagramChannel(family, 64))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReceivedDatagram d = (ReceivedDatagram) msg;
                        try {
                            reads.add(new Received(d, ByteBufUtil.getBytes(d.content()), d.sender()));
                        } finally {
                            d.release();
                        }
                    }
                });
        return (TurnDatagramChannel) b.bind(new InetSocketAddress(address, 0)).syncUninterruptibly().channel();
    }

    private DatagramSocket socket(InetAddress address) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0));
        s.setSoTimeout(2000);
        s.setReceiveBufferSize(1 << 20);
        sockets.add(s);
        return s;
    }

    private static void send(DatagramSocket from, InetSocketAddress to, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new java.net.DatagramPacket(b, b.length, to));
    }

    private static String receive(DatagramSocket at) throws IOException {
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[4096], 4096);
        at.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private Received read() throws InterruptedException {
        Received r = reads.poll(5, TimeUnit.SECONDS);
        assertNotNull(r, "no datagram read within 5 s");
        return r;
    }

    private static ByteBuf direct(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    @Test
    void readsEveryDatagramWithItsSenderInOneReusedMessageAndCachedSenders() throws Exception {
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        InetSocketAddress at = new InetSocketAddress(LOOPBACK, ch.localAddress().getPort());
        DatagramSocket a = socket(LOOPBACK);
        DatagramSocket b = socket(LOOPBACK);
        int n = 40; // more than one recvmmsg batch of 16
        for (int i = 0; i < n; i++) {
            send(i % 2 == 0 ? a : b, at, "datagram-" + i);
        }
        Received first = null;
        for (int i = 0; i < n; i++) {
            Received r = read();
            assertEquals("datagram-" + i, new String(r.content(), StandardCharsets.US_ASCII));
            DatagramSocket from = i % 2 == 0 ? a : b;
            assertEquals(from.getLocalSocketAddress(), r.sender());
            if (first == null) {
                first = r;
            }
            assertSame(first.message(), r.message(), "one message object per socket");
        }
        assertEquals(2, ch.senderCache().size());
        assertEquals(2, ch.senderCache().misses(), "each sender's address was built once");
    }

    @Test
    void aDatagramLongerThanItsSlotArrivesTruncatedToTheSlot() throws Exception {
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        assertEquals(UdpRelaySocket.RECEIVE_BUFFER, ch.config().getOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE));
        DatagramSocket a = socket(LOOPBACK);
        byte[] big = new byte[3000];
        a.send(new java.net.DatagramPacket(big, big.length, new InetSocketAddress(LOOPBACK, ch.localAddress().getPort())));
        send(a, new InetSocketAddress(LOOPBACK, ch.localAddress().getPort()), "after");
        assertEquals(UdpRelaySocket.RECEIVE_BUFFER, read().content().length);
        assertEquals("after", new String(read().content(), StandardCharsets.US_ASCII));
    }

    @Test
    void writesLoneDatagramsAndBatchesToSeveralDestinations() throws Exception {
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        DatagramSocket a = socket(LOOPBACK);
        DatagramSocket b = socket(LOOPBACK);
        InetSocketAddress toA = (InetSocketAddress) a.getLocalSocketAddress();
        InetSocketAddress toB = (InetSocketAddress) b.getLocalSocketAddress();
        ch.writeAndFlush(OutboundDatagram.of(direct("lone"), toA, 0, null)).syncUninterruptibly();
        assertEquals("lone", receive(a));
        ch.eventLoop().submit(() -> { // one flush of six: one sendmmsg
            for (int i = 0; i < 6; i++) {
                ch.write(OutboundDatagram.of(direct("batch-" + i), i % 2 == 0 ? toA : toB, 0, null), ch.voidPromise());
            }
            ch.flush();
        }).syncUninterruptibly();
        for (int i = 0; i < 6; i++) {
            assertEquals("batch-" + i, receive(i % 2 == 0 ? a : b));
        }
        ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("netty's", StandardCharsets.US_ASCII), toB))
                .syncUninterruptibly(); // a heap buffer in Netty's envelope: converted and copied
        assertEquals("netty's", receive(b));
        assertEquals(2, ch.recipientCache().size());
    }

    @Test
    void aGsoSendArrivesAsItsSegments() throws Exception {
        assumeTrue(Transport.EPOLL.supportsGso(), "no UDP GSO here");
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        DatagramSocket a = socket(LOOPBACK);
        SegmentBatch.Gso gso = new SegmentBatch.Gso(true, t -> { });
        ch.writeAndFlush(OutboundDatagram.of(direct("aaaabbbbcc"), (InetSocketAddress) a.getLocalSocketAddress(), 4, gso))
                .syncUninterruptibly();
        assertEquals("aaaa", receive(a));
        assertEquals("bbbb", receive(a));
        assertEquals("cc", receive(a));
        assertTrue(gso.enabled());
    }

    @Test
    void aRefusedGsoSendTurnsGsoOffAndCostsOnlyItself() throws Exception {
        assumeTrue(Transport.EPOLL.supportsGso(), "no UDP GSO here");
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        DatagramSocket a = socket(LOOPBACK);
        InetSocketAddress toA = (InetSocketAddress) a.getLocalSocketAddress();
        List<Throwable> told = new ArrayList<>();
        SegmentBatch.Gso gso = new SegmentBatch.Gso(true, told::add);
        // 1,000 segments of 1 byte: more than the kernel's UDP_MAX_SEGMENTS (64, 128 since Linux 6.x), so sendmmsg
        // refuses it (EINVAL).
        ByteBuf tooMany = Unpooled.directBuffer(1000).writeZero(1000);
        ch.eventLoop().submit(() -> {
            ch.write(OutboundDatagram.of(tooMany, toA, 1, gso), ch.voidPromise());
            ch.write(OutboundDatagram.of(direct("next"), toA, 0, null), ch.voidPromise());
            ch.flush();
        }).syncUninterruptibly();
        assertEquals("next", receive(a));
        assertFalse(gso.enabled());
        assertEquals(1, told.size(), "told once: " + told);
        assertTrue(ch.isOpen());
        a.setSoTimeout(200);
        try {
            String extra = receive(a);
            throw new AssertionError("the refused send arrived after all: " + extra);
        } catch (SocketTimeoutException expected) {
            // nothing else came
        }
    }

    @Test
    void ipv6ReadsAndWrites() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        DatagramSocket a;
        try {
            a = socket(v6);
        } catch (IOException e) {
            assumeTrue(false, "no ::1 here: " + e);
            return;
        }
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET6, v6);
        send(a, new InetSocketAddress(v6, ch.localAddress().getPort()), "over ipv6");
        Received r = read();
        assertEquals("over ipv6", new String(r.content(), StandardCharsets.US_ASCII));
        assertEquals(a.getLocalSocketAddress(), r.sender());
        ch.writeAndFlush(OutboundDatagram.of(direct("back"), r.sender(), 0, null)).syncUninterruptibly();
        assertEquals("back", receive(a));
    }

    @Test
    void aDualStackSocketSeesIpv4SendersAsIpv4() throws Exception {
        TurnDatagramChannel ch = bind(null, InetAddress.getByName("0.0.0.0"));
        DatagramSocket a = socket(LOOPBACK);
        send(a, new InetSocketAddress(LOOPBACK, ch.localAddress().getPort()), "v4 to a dual-stack socket");
        Received r = read();
        assertEquals(a.getLocalSocketAddress(), r.sender());
        assertArrayEquals(LOOPBACK.getAddress(), r.sender().getAddress().getAddress());
        ch.writeAndFlush(OutboundDatagram.of(direct("reply"), r.sender(), 0, null)).syncUninterruptibly();
        assertEquals("reply", receive(a));
    }

    @Test
    void socketOptionsReachTheSocket() {
        TurnDatagramChannel ch = bind(SocketProtocolFamily.INET, LOOPBACK);
        ch.config().setOption(ChannelOption.SO_SNDBUF, 256 * 1024);
        assertTrue(ch.config().getOption(ChannelOption.SO_SNDBUF) >= 256 * 1024, "SO_SNDBUF (the kernel doubles it)");
        assertTrue(ch.config().getOption(ChannelOption.SO_RCVBUF) > 0);
        assertFalse(ch.config().getOption(EpollChannelOption.SO_REUSEPORT));
        Channel other = ch; // a channel, as the gateway's bootstraps see it
        assertTrue(other.isActive());
    }
}
