package io.turngate.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.turngate.auth.LongTermCredentials;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;
import io.turngate.server.ListenerStats;
import io.turngate.server.Transport;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bytes allocated on the event loop per relayed packet (issue "Relay at the kernel's speed" item 2): an in-process
 * {@link Gateway} on loopback, one allocation with a channel to a loopback peer, and {@value #PACKETS} packets per
 * direction and message kind, paced in bursts of {@value #BURST} so that nothing is dropped. The bytes come from
 * {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long[])} of the gateway's {@code turngate-udp}
 * threads before and after; the packet count from the gateway's own {@link ListenerStats}, so a datagram lost in the
 * kernel cannot make the figure look smaller.
 *
 * <p><b>The limit: 0 B per packet.</b> On epoll turngate reads and writes its TURN-UDP sockets with its own channel
 * ({@code io.netty.channel.epoll.TurnDatagramChannel}), which reuses one {@link ReceivedDatagram} per socket, caches
 * senders ({@link SenderCache}) and destinations' raw form ({@link RecipientCache}), and writes recycled
 * {@link OutboundDatagram}s through {@code sendmmsg}; turngate's relay code allocates nothing per packet either
 * (static accessors, recycled slices of pooled receive buffers, pooled direct buffers, primitive-keyed maps, cached
 * peer addresses). Measured: 0 to 208 B in a window of {@value #PACKETS} packets, 0.00 B per packet, in three of the
 * four directions, and 6 to 8 KB (0.06 to 0.08 B per packet) in the first one measured, whose window still sees the
 * last of the JIT's work. Something per packet costs at least 16 B per packet, per write or wake-up at least 16 B per
 * burst of {@value #BURST} (0.5 B per packet), so the limit is {@value #EPOLL_LIMIT} B per packet: room for what the
 * loop's timers (the allocation sweep every 20 ms) and the JIT's last deoptimisations leave, never for an object per
 * datagram or per burst.
 *
 * <p>With Netty's own epoll channel ({@code -Dturngate.udp.channel=netty}) the floor is what Netty allocates (from a
 * JFR allocation profile of this test, {@code jdk.ObjectAllocationSample} on the {@code turngate-udp} threads, 2026-12,
 * Netty 4.2.18, JDK 17): per received datagram a {@code DatagramPacket} and the sender's {@code InetSocketAddress}
 * with its {@code Inet4Address} and their holders ({@value #RECEIVE_FLOOR} B); per datagram written alone its
 * envelope and the recipient's address bytes that {@code InetAddress#getAddress} copies ({@value #LONE_WRITE_FLOOR}
 * B); per GSO send a {@code SegmentedDatagramPacket}, the same bytes and a promise ({@value #GSO_WRITE_FLOOR} B). That
 * limit is computed from the sends the gateway counted in the measured window (see {@link #assertBelowLimit}), plus
 * {@value #SLACK} B. Measured so: 124 to 130 B per packet.
 *
 * <p>The figure is only meaningful without Netty's leak detector, which surefire runs at {@code paranoid}: it
 * allocates a tracking record per buffer and per touch. Each path first relays {@value #LEAK_CHECKED_PACKETS}
 * packets under it; the detector is then switched off for the JIT warm-up and the measured window.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotPathAllocationTest {
    private static final int PACKETS = 100_000;
    /** Long enough for C2 to have compiled the paths (with 20,000, up to 0.7 B per packet were the JIT's). */
    private static final int WARMUP_PACKETS = 100_000;
    /** Relayed first, with surefire's paranoid leak detection still on, so that a leak on these paths is reported. */
    private static final int LEAK_CHECKED_PACKETS = 2_000;
    private static final int BURST = 32;
    private static final int PAYLOAD = 160;
    private static final int CHANNEL = 0x4000;
    private static final long TIME_LIMIT_NANOS = 60_000_000_000L;
    private static final String LOOPBACK = "127.0.0.1";
    private static final String LISTENER = "alloc-test/udp-listener";
    private static final String USER = "user-1";
    private static final String PASSWORD = "pass-1";
    private static final String REALM = "stunner.l7mp.io";

    /**
     * Per-packet limit on epoll, bytes: Netty's floor (see the class comment and {@link #assertBelowLimit}). NIO ({@code -Dturngate.transport=nio})
     * measured 176 B client to peer and 48 B peer to client (the JDK reuses the sender address of consecutive
     * datagrams from the same source on the IPv4 relay socket).
     */
    private static final int RECEIVE_FLOOR = 112;
    private static final int LONE_WRITE_FLOOR = 80;
    private static final int GSO_WRITE_FLOOR = 128;
    /**
     * What the floor does not explain, measured at 4 to 7 B per packet (see the class comment), plus a margin; less
     * than that plus the smallest object (16 B), so that one more allocation per packet fails the test.
     */
    private static final int SLACK = 12;
    private static final double NIO_LIMIT = 240;
    /** On turngate's epoll channel: less than one 16-byte object per 40 packets (see the class comment). */
    private static final double EPOLL_LIMIT = 0.4;

    private Gateway gateway;
    private long[] loopThreads;
    private DatagramSocket client;
    private DatagramSocket peer;
    private DatagramSocket otherPeer;
    private InetSocketAddress server;
    private InetSocketAddress relayed;
    private byte[] key;
    private ResourceLeakDetector.Level leakLevel;
    /** Of the last {@link #measure}: packets relayed, datagrams written on their own, GSO sends. */
    private long measuredPackets = 1;
    private long loneWrites;
    private long gsoWrites;

    @BeforeAll
    void startGatewayAndAllocate() throws Exception {
        leakLevel = ResourceLeakDetector.getLevel();
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        Set<Long> before = loopThreadIds();
        StunnerConfig cfg = ConfigLoader.parse(config(port), Map.of());
        gateway = Gateway.start(cfg);
        Set<Long> started = loopThreadIds();
        started.removeAll(before);
        assertFalse(started.isEmpty(), "no new turngate-udp thread after Gateway.start (expected: the listener's event loop)");
        loopThreads = started.stream().mapToLong(Long::longValue).toArray();

        server = new InetSocketAddress(LOOPBACK, port);
        client = socket();
        peer = socket();
        otherPeer = socket();
        key = LongTermCredentials.key(USER, REALM, PASSWORD);
        allocate();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        InetSocketAddress otherAddress = (InetSocketAddress) otherPeer.getLocalSocketAddress();
        request(StunMethod.CREATE_PERMISSION, List.of(new XorPeerAddress(peerAddress)));
        request(StunMethod.CREATE_PERMISSION, List.of(new XorPeerAddress(otherAddress)));
        request(StunMethod.CHANNEL_BIND, List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(peerAddress)));
    }

    @AfterAll
    void stop() {
        ResourceLeakDetector.setLevel(leakLevel);
        for (DatagramSocket s : new DatagramSocket[] {client, peer, otherPeer}) {
            if (s != null) {
                s.close();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String config(int port) {
        return "{\"version\": \"v1\","
                + " \"admin\": {\"name\": \"alloc-test\", \"loglevel\": \"all:WARN\"},"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"" + REALM + "\","
                + "   \"credentials\": {\"username\": \"" + USER + "\", \"password\": \"" + PASSWORD + "\"}},"
                + " \"listeners\": [{\"name\": \"" + LISTENER + "\", \"protocol\": \"TURN-UDP\","
                + "   \"address\": \"" + LOOPBACK + "\", \"port\": " + port + ", \"routes\": [\"alloc-test/peers\"]}],"
                + " \"clusters\": [{\"name\": \"alloc-test/peers\", \"type\": \"STATIC\", \"protocol\": \"UDP\","
                + "   \"endpoints\": [\"" + LOOPBACK + "\"]}]}";
    }

    private static DatagramSocket socket() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setReceiveBufferSize(1 << 20);
        s.setSoTimeout(2000);
        return s;
    }

    private static Set<Long> loopThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("turngate-udp")) {
                ids.add(t.getId());
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @Test
    void channelDataFromClientToPeerAllocatesNothing() throws Exception {
        byte[] datagram = channelData(PAYLOAD);
        double perPacket = measure("ChannelData client->peer", client, server, datagram, peer, ListenerStats::peerTxPackets);
        assertBelowLimit(perPacket);
    }

    @Test
    void sendIndicationFromClientToPeerAllocatesNothing() throws Exception {
        byte[] datagram = encode(StunMessage.of(StunMethod.SEND, StunClass.INDICATION, TransactionId.random(),
                new XorPeerAddress((InetSocketAddress) peer.getLocalSocketAddress()), new Data(new byte[PAYLOAD])), null);
        double perPacket = measure("Send indication client->peer", client, server, datagram, peer, ListenerStats::peerTxPackets);
        assertBelowLimit(perPacket);
    }

    @Test
    void peerToClientAsChannelDataAllocatesNothing() throws Exception {
        double perPacket = measure("peer->client as ChannelData", peer, relayed, new byte[PAYLOAD], client, ListenerStats::txPackets);
        assertBelowLimit(perPacket);
    }

    @Test
    void peerToClientAsDataIndicationAllocatesNothing() throws Exception {
        double perPacket = measure("peer->client as Data indication", otherPeer, relayed, new byte[PAYLOAD], client,
                ListenerStats::txPackets);
        assertBelowLimit(perPacket);
    }

    /**
     * On turngate's epoll channel the limit is {@value #EPOLL_LIMIT} B per packet. On Netty's it is Netty's floor for
     * the writes the measured window made (see the class comment), plus {@value #SLACK} B: {@value #RECEIVE_FLOOR} B
     * per packet, {@value #LONE_WRITE_FLOOR} B per datagram written on its own (the {@code sendto} case; a
     * {@code sendmmsg} one costs less), {@value #GSO_WRITE_FLOOR} B per GSO send. On NIO {@value #NIO_LIMIT} B.
     */
    private void assertBelowLimit(double perPacket) {
        Transport transport = gateway.transport();
        double limit;
        String channel;
        if (transport.reusesDatagrams()) {
            limit = EPOLL_LIMIT;
            channel = "turngate's epoll channel";
        } else if (transport == Transport.EPOLL) {
            limit = RECEIVE_FLOOR + (LONE_WRITE_FLOOR * loneWrites + GSO_WRITE_FLOOR * gsoWrites) / (double) measuredPackets
                    + SLACK;
            channel = "Netty's epoll channel";
        } else {
            limit = NIO_LIMIT;
            channel = "NIO";
        }
        assertTrue(perPacket <= limit, String.format("allocated %.2f bytes per relayed packet on the event loop"
                + " (expected: at most %.2f on %s: %d packets, %d written alone, %d GSO sends)", perPacket, limit,
                channel, measuredPackets, loneWrites, gsoWrites));
    }

    /**
     * Relays warm-up plus {@value #PACKETS} copies of {@code datagram} from {@code from} to {@code to}, received at
     * {@code sink}, and returns the event loop's allocated bytes per packet the gateway relayed in the measured part.
     */
    private double measure(String what, DatagramSocket from, InetSocketAddress to, byte[] datagram, DatagramSocket sink,
                           ToLongFunction<ListenerStats> relayedCounter) throws IOException {
        com.sun.management.ThreadMXBean threads = threadBean();
        assertNotNull(gateway.stats(LISTENER), "listener stats");
        long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
        relay(from, to, datagram, sink, LEAK_CHECKED_PACKETS, deadline); // under surefire's leak detection level

        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        long bytesBefore;
        long packetsBefore;
        long bytesAfter;
        long packetsAfter;
        long gsoSendsBefore;
        long gsoSegmentsBefore;
        int lost;
        try {
            relay(from, to, datagram, sink, WARMUP_PACKETS, deadline); // JIT; buffers allocated while tracked are gone
            packetsBefore = relayedCounter.applyAsLong(gateway.stats(LISTENER));
            gsoSendsBefore = gateway.stats(LISTENER).gsoSends();
            gsoSegmentsBefore = gateway.stats(LISTENER).gsoSegments();
            bytesBefore = sum(threads.getThreadAllocatedBytes(loopThreads));
            lost = relay(from, to, datagram, sink, PACKETS, deadline);
            bytesAfter = sum(threads.getThreadAllocatedBytes(loopThreads));
            packetsAfter = relayedCounter.applyAsLong(gateway.stats(LISTENER));
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
        }
        long packets = packetsAfter - packetsBefore;
        gsoWrites = gateway.stats(LISTENER).gsoSends() - gsoSendsBefore;
        loneWrites = packets - (gateway.stats(LISTENER).gsoSegments() - gsoSegmentsBefore);
        measuredPackets = Math.max(1, packets);
        double perPacket = (bytesAfter - bytesBefore) / (double) Math.max(1, packets);
        System.out.printf("HotPathAllocationTest %-32s %s: %d packets relayed (%d lost in transit; %d written alone,"
                        + " %d GSO sends), %d bytes allocated on the event loop = %.2f B/packet%n", what,
                gateway.transport(), packets, lost, loneWrites, gsoWrites, bytesAfter - bytesBefore, perPacket);
        assertTrue(packets >= PACKETS * 99L / 100, what + ": the gateway relayed " + packets + " packets (expected: at least 99% of "
                + PACKETS + ")");
        return perPacket;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "JVM without com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "JVM without per-thread allocation accounting");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            assertTrue(v >= 0, "thread allocation counter unavailable (the event loop thread ended?)");
            s += v;
        }
        return s;
    }

    /**
     * Sends {@code count} datagrams in bursts and, after each burst, waits for the burst at {@code sink}. Returns how
     * many did not arrive (each missing datagram costs one receive timeout, so losses are bounded by the deadline).
     */
    private static int relay(DatagramSocket from, InetSocketAddress to, byte[] datagram, DatagramSocket sink, int count,
                             long deadline) throws IOException {
        DatagramPacket out = new DatagramPacket(datagram, datagram.length, to);
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        int lost = 0;
        for (int sent = 0; sent < count; ) {
            assertTrue(System.nanoTime() < deadline, "relaying took longer than " + TIME_LIMIT_NANOS / 1_000_000_000 + " s");
            int burst = Math.min(BURST, count - sent);
            for (int i = 0; i < burst; i++) {
                from.send(out);
            }
            sent += burst;
            for (int i = 0; i < burst; i++) {
                try {
                    in.setLength(2048);
                    sink.receive(in);
                } catch (SocketTimeoutException e) {
                    lost += burst - i;
                    break;
                }
            }
        }
        assertTrue(lost <= count / 100 + 1, "lost " + lost + " of " + count + " datagrams on loopback (expected: almost none)");
        return lost;
    }

    // ------------------------------------------------------------------------------------ a tiny TURN client

    private static byte[] channelData(int payload) {
        byte[] b = new byte[ChannelData.HEADER_LENGTH + payload];
        b[0] = (byte) (CHANNEL >>> 8);
        b[1] = (byte) CHANNEL;
        b[2] = (byte) (payload >>> 8);
        b[3] = (byte) payload;
        return b;
    }

    private static byte[] encode(StunMessage m, byte[] integrityKey) {
        ByteBuf buf = StunCodec.encode(m, UnpooledByteBufAllocator.DEFAULT, integrityKey, true);
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    /** 401 challenge, then the authenticated Allocate (RFC 8656 §7, RFC 8489 §9.2). */
    private void allocate() throws IOException, StunCodecException {
        StunMessage first = exchange(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP)), null);
        assertEquals(StunClass.ERROR_RESPONSE, first.messageClass(), "unauthenticated Allocate: " + first);
        assertEquals(401, first.attribute(ErrorCodeAttribute.class).code());
        nonce = first.attribute(Nonce.class).value();
        StunMessage ok = request(StunMethod.ALLOCATE, List.of(new RequestedTransport(RequestedTransport.UDP),
                new Lifetime(600)));
        XorRelayedAddress r = ok.attribute(XorRelayedAddress.class);
        assertNotNull(r, "XOR-RELAYED-ADDRESS in " + ok);
        relayed = new InetSocketAddress(InetAddress.getByName(LOOPBACK), r.address().getPort());
    }

    private String nonce;

    private StunMessage request(int method, List<StunAttribute> attrs) throws IOException, StunCodecException {
        List<StunAttribute> all = new ArrayList<>(attrs);
        all.add(new Username(USER));
        all.add(new Realm(REALM));
        all.add(new Nonce(nonce));
        StunMessage resp = exchange(new StunMessage(method, StunClass.REQUEST, TransactionId.random(), all), key);
        assertEquals(StunClass.SUCCESS_RESPONSE, resp.messageClass(), StunMethod.name(method) + ": " + resp);
        return resp;
    }

    /** Sends a request and returns the response with its transaction id (up to 5 transmissions). */
    private StunMessage exchange(StunMessage req, byte[] integrityKey) throws IOException, StunCodecException {
        byte[] bytes = encode(req, integrityKey);
        DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
        for (int attempt = 0; attempt < 5; attempt++) {
            client.send(new DatagramPacket(bytes, bytes.length, server));
            try {
                while (true) {
                    in.setLength(2048);
                    client.receive(in);
                    if ((in.getData()[0] & 0xC0) != 0) {
                        continue; // ChannelData
                    }
                    ReceivedStun r = StunCodec.decode(Unpooled.wrappedBuffer(in.getData(), 0, in.getLength()));
                    if (r.message().transactionId().equals(req.transactionId())) {
                        return r.message();
                    }
                }
            } catch (SocketTimeoutException e) {
                // retransmit
            }
        }
        throw new AssertionError("no response to " + req + " from " + server + " after 5 transmissions");
    }
}
