package io.turngate.server;

import io.netty.channel.Channel;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Data;
import io.turngate.stun.attr.XorPeerAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.turngate.server.TestGateways.LISTENER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bursts relayed through {@link io.turngate.relay.SegmentBatch}: the listener's event loop is held busy while a
 * burst is sent, so the whole burst lands in one read batch, and the receiver must still get every datagram intact
 * and in order. Where the transport supports UDP GSO (epoll on Linux 4.18+), the same-size runs must have gone out as
 * GSO sends, counted in {@link ListenerStats#gsoSends}; elsewhere the counters must stay at 0.
 */
class GsoBatchingTest {
    private static final int CHANNEL = 0x4001;
    private static final int OTHER_CHANNEL = 0x4002;

    private Gateway gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private TestTurnClient start(Gateway.Options options) throws Exception {
        int port = TestGateways.freeUdpPort();
        gateway = Gateway.start(TestGateways.config(port, "127.0.0.1"), options);
        TestTurnClient client = TestTurnClient.of(port, TestGateways.USER, TestGateways.PASS);
        closeables.add(client);
        client.allocateOrFail();
        return client;
    }

    private TestPeer peer() {
        TestPeer p = TestPeer.capture();
        closeables.add(p);
        return p;
    }

    /** Runs {@code burst} while the listener's event loop is blocked, so that it reads the burst in one batch. */
    private void whileLoopBusy(Runnable burst) throws InterruptedException {
        List<Channel> sockets = gateway.sockets(LISTENER);
        assertEquals(1, sockets.size(), "listener sockets");
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sockets.get(0).eventLoop().execute(() -> {
            busy.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS), "the event loop did not run the blocking task");
        try {
            burst.run();
            Thread.sleep(50); // loopback delivery into the socket buffers is synchronous; this is only a margin
        } finally {
            release.countDown();
        }
    }

    private static byte[] payload(int index, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (index * 7 + 1));
        b[0] = (byte) index;
        return b;
    }

    private static byte[] receiveChannelData(TestTurnClient client, int expectedChannel) {
        byte[] d = client.receive(2000);
        assertNotNull(d, "no ChannelData reached the client");
        int channel = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
        int length = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        assertEquals(expectedChannel, channel, "channel number");
        assertEquals(d.length - 4, length, "ChannelData length field (UDP: no padding)");
        return Arrays.copyOfRange(d, 4, d.length);
    }

    private boolean gsoExpected() {
        return gateway.transport().supportsGso();
    }

    @Test
    void clientBurstReachesThePeerIntactAndInOrder() throws Exception {
        TestTurnClient client = start(Gateway.Options.defaults());
        TestPeer peer = peer();
        assertTrue(client.channelBind(CHANNEL, peer.address()).isSuccess(), "ChannelBind");
        long sendsBefore = gateway.stats(LISTENER).gsoSends();
        long segmentsBefore = gateway.stats(LISTENER).gsoSegments();

        // 40 of 120 B, then a shorter one (may close a batch as its last segment), then 20 of 300 B.
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(payload(i, 120));
        }
        sent.add(payload(40, 77));
        for (int i = 41; i < 61; i++) {
            sent.add(payload(i, 300));
        }
        whileLoopBusy(() -> sent.forEach(p -> client.sendChannelData(CHANNEL, p)));

        for (int i = 0; i < sent.size(); i++) {
            TestPeer.Received r = peer.poll(2000);
            assertNotNull(r, "datagram " + i + " of " + sent.size() + " did not reach the peer");
            assertArrayEquals(sent.get(i), r.data(), "datagram " + i + " (size " + sent.get(i).length + ")");
            assertEquals(client.relayed().getPort(), r.from().getPort(), "sent from the relayed port");
        }
        assertEquals(0, peer.pending(), "extra datagrams at the peer");
        if (gsoExpected()) {
            assertTrue(gateway.stats(LISTENER).gsoSends() - sendsBefore >= 2,
                    "GSO sends for two same-size runs: " + (gateway.stats(LISTENER).gsoSends() - sendsBefore));
            assertTrue(gateway.stats(LISTENER).gsoSegments() - segmentsBefore >= 50,
                    "datagrams sent with GSO: " + (gateway.stats(LISTENER).gsoSegments() - segmentsBefore) + " (expected: most of 61)");
        } else {
            assertEquals(sendsBefore, gateway.stats(LISTENER).gsoSends(), "GSO sends on a transport without GSO");
        }
    }

    @Test
    void peerBurstReachesTheClientAsChannelDataInOrder() throws Exception {
        TestTurnClient client = start(Gateway.Options.defaults());
        TestPeer peer = peer();
        assertTrue(client.channelBind(CHANNEL, peer.address()).isSuccess(), "ChannelBind");
        long sendsBefore = gateway.stats(LISTENER).gsoSends();

        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            sent.add(payload(i, 1200)); // a video frame's worth of full-size RTP packets
        }
        whileLoopBusy(() -> sent.forEach(p -> peer.send(client.relayed(), p)));

        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), receiveChannelData(client, CHANNEL), "datagram " + i);
        }
        assertEquals(0, client.drain(100), "extra datagrams at the client");
        if (gsoExpected()) {
            assertTrue(gateway.stats(LISTENER).gsoSends() > sendsBefore, "no GSO send for a burst of 48 equal datagrams to one client");
        }
    }

    @Test
    void burstToAnIpv6ClientOnTheDualStackListener() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress("::1", 0);
        try (DatagramSocket probe = new DatagramSocket(v6)) {
            probe.getLocalPort();
        } catch (SocketException e) {
            System.err.println("GsoBatchingTest: SKIPPED the IPv6 case: cannot bind ::1 (" + e.getMessage() + ")");
            assumeTrue(false, "no IPv6 loopback");
        }
        int port = TestGateways.freeUdpPort();
        gateway = Gateway.start(TestGateways.config(port, "127.0.0.1"), Gateway.Options.defaults());
        TestTurnClient client = new TestTurnClient(v6, new InetSocketAddress("::1", port), TestGateways.USER,
                TestGateways.PASS);
        closeables.add(client);
        client.allocateOrFail(); // an IPv4 relayed address (RFC 8656 §7.1 default) for a client that came over IPv6
        TestPeer peer = peer();
        assertTrue(client.channelBind(CHANNEL, peer.address()).isSuccess(), "ChannelBind");
        long sendsBefore = gateway.stats(LISTENER).gsoSends();

        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            sent.add(payload(i, 160));
        }
        whileLoopBusy(() -> sent.forEach(p -> peer.send(client.relayed(), p)));
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), receiveChannelData(client, CHANNEL), "datagram " + i);
        }
        if (gsoExpected()) {
            assertTrue(gateway.stats(LISTENER).gsoSends() > sendsBefore, "no GSO send to the IPv6 client");
        }
        assertEquals(0, client.drain(100), "extra datagrams at the client");
    }

    @Test
    void interleavedPeersAndDataIndicationsKeepEachStreamInOrder() throws Exception {
        TestTurnClient client = start(Gateway.Options.defaults());
        TestPeer a = peer();
        TestPeer b = peer();
        TestPeer c = peer(); // permission only: its datagrams come back as Data indications
        assertTrue(client.channelBind(CHANNEL, a.address()).isSuccess(), "ChannelBind a");
        assertTrue(client.channelBind(OTHER_CHANNEL, b.address()).isSuccess(), "ChannelBind b");
        assertTrue(client.createPermission(c.address()).isSuccess(), "CreatePermission c");

        // Client → peers: alternating channels, so no two neighbours share a destination.
        List<byte[]> toA = new ArrayList<>();
        List<byte[]> toB = new ArrayList<>();
        whileLoopBusy(() -> {
            for (int i = 0; i < 20; i++) {
                byte[] pa = payload(i, 200);
                byte[] pb = payload(i + 100, 200);
                toA.add(pa);
                toB.add(pb);
                client.sendChannelData(CHANNEL, pa);
                client.sendChannelData(OTHER_CHANNEL, pb);
            }
        });
        for (int i = 0; i < 20; i++) {
            TestPeer.Received ra = a.poll(2000);
            TestPeer.Received rb = b.poll(2000);
            assertNotNull(ra, "datagram " + i + " to a");
            assertNotNull(rb, "datagram " + i + " to b");
            assertArrayEquals(toA.get(i), ra.data(), "a, datagram " + i);
            assertArrayEquals(toB.get(i), rb.data(), "b, datagram " + i);
        }

        // Peer c → client: a burst of equal Data indications.
        List<byte[]> fromC = new ArrayList<>();
        whileLoopBusy(() -> {
            for (int i = 0; i < 16; i++) {
                byte[] p = payload(i, 500);
                fromC.add(p);
                c.send(client.relayed(), p);
            }
        });
        for (int i = 0; i < fromC.size(); i++) {
            byte[] d = client.receive(2000);
            assertNotNull(d, "Data indication " + i);
            ReceivedStun stun = TestTurnClient.decode(d);
            assertEquals(StunMethod.DATA, stun.message().method(), "method of datagram " + i);
            assertEquals(c.address(), stun.message().attribute(XorPeerAddress.class).address(), "XOR-PEER-ADDRESS");
            assertArrayEquals(fromC.get(i), stun.message().attribute(Data.class).value(), "DATA of indication " + i);
        }
    }

    @Test
    void withGsoOffNothingIsCoalesced() throws Exception {
        TestTurnClient client = start(Gateway.Options.defaults().withUdpGso(false));
        TestPeer peer = peer();
        assertTrue(client.channelBind(CHANNEL, peer.address()).isSuccess(), "ChannelBind");
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(payload(i, 100));
        }
        whileLoopBusy(() -> sent.forEach(p -> client.sendChannelData(CHANNEL, p)));
        for (int i = 0; i < sent.size(); i++) {
            TestPeer.Received r = peer.poll(2000);
            assertNotNull(r, "datagram " + i);
            assertArrayEquals(sent.get(i), r.data(), "datagram " + i);
        }
        assertEquals(0, gateway.stats(LISTENER).gsoSends(), "GSO sends with --no-udp-gso");
    }
}
