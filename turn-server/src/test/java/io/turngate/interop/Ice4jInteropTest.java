package io.turngate.interop;

import static io.turngate.interop.InteropSupport.LOOPBACK;
import static io.turngate.interop.InteropSupport.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.interop.InteropSupport.ServerUnderTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jitsi ice4j's TURN client against turngate: {@link TurnCandidateHarvester} allocates a relayed candidate with the
 * long-term credential (RFC 8656 §7), and the candidate's socket relays datagrams to a loopback UDP echo the test
 * runs; ice4j installs a permission (RFC 8656 §9) and then a channel (RFC 8656 §12) on the first non-STUN datagram,
 * and closing the candidate's socket deletes the allocation (Refresh with LIFETIME 0, RFC 8656 §7.3).
 *
 * <p>Over TURN-TCP ice4j cannot be used: for a TCP host candidate its harvester connects to the server but frames
 * every STUN message with RFC 4571's 2-byte length prefix (ICE-TCP framing, RFC 6544), where RFC 8656 §3.1 sends
 * STUN and ChannelData unframed on the stream; turngate sees a STUN header whose length field is the message type
 * and closes the connection ({@code turngate_stream_connections_closed{reason="not_turn"}}). Tried with ice4j
 * 3.2-15-g6da2b08; TURN-TCP interop is covered by {@code turnutils_uclient -t} instead.
 *
 * <p>ice4j normally harvests host candidates on non-loopback interfaces only; the test builds its one host
 * candidate on 127.0.0.1 by hand so that no traffic leaves loopback, and turns ice4j's AWS metadata probe off.
 */
@Tag("interop")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Ice4jInteropTest {
    private static final int DATAGRAMS = 24;

    @BeforeAll
    static void keepIce4jOnLoopback() {
        // The AWS mapping harvester would send an HTTP request to 169.254.169.254 when the Agent is created.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
    }

    @Test
    void relayedCandidateEchoesEveryDatagramThroughPermissionAndChannel() throws Exception {
        try (ServerUnderTest server = InteropSupport.startServer(List.of(LOOPBACK));
             DatagramSocket echo = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Set<SocketAddress> echoSources = new CopyOnWriteArraySet<>();
            Thread echoThread = startEcho(echo, echoSources);

            Agent agent = new Agent();
            try {
                agent.setUseDynamicPorts(false); // no host harvesting on real interfaces
                IceMediaStream stream = agent.createMediaStream("interop");
                Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
                HostCandidate host = new HostCandidate(new IceUdpSocketWrapper(
                        new MultiplexingDatagramSocket(0, InetAddress.getByName(LOOPBACK))), component);
                component.addLocalCandidate(host);
                agent.getStunStack().addSocket(host.getStunSocket(null));

                TurnCandidateHarvester harvester = new TurnCandidateHarvester(
                        new TransportAddress(LOOPBACK, server.port(), Transport.UDP),
                        new LongTermCredential(InteropSupport.USER, InteropSupport.PASSWORD));
                Collection<LocalCandidate> harvested = harvester.harvest(component);
                RelayedCandidate relayed = harvested.stream().filter(c -> c instanceof RelayedCandidate)
                        .map(c -> (RelayedCandidate) c).findFirst().orElse(null);
                assertNotNull(relayed, () -> "relayed candidate from " + describe(server) + " (expected: one); got "
                        + harvested);
                TransportAddress relayAddr = relayed.getTransportAddress();
                assertEquals(InetAddress.getByName(LOOPBACK), relayAddr.getAddress(),
                        () -> "XOR-RELAYED-ADDRESS " + relayAddr + " (expected: the listener address " + LOOPBACK + ")");
                assertNotEquals(0, relayAddr.getPort(), () -> "relay port of " + relayAddr);
                if (server.allocationCount() >= 0) {
                    assertEquals(1, server.allocationCount(), "turngate allocations while the candidate is alive");
                }

                IceSocketWrapper relaySocket = relayed.getCandidateIceSocketWrapper();
                Set<String> received = new ConcurrentSkipListSet<>();
                Set<SocketAddress> receivedFrom = new CopyOnWriteArraySet<>();
                CountDownLatch all = new CountDownLatch(DATAGRAMS);
                Thread receiver = new Thread(() -> receiveAll(relaySocket, received, receivedFrom, all),
                        "ice4j-relay-receiver");
                receiver.setDaemon(true);
                receiver.start();

                Set<String> sent = new TreeSet<>();
                for (int i = 0; i < DATAGRAMS; i++) {
                    String payload = String.format("turngate-ice4j-%02d", i);
                    byte[] b = payload.getBytes(StandardCharsets.US_ASCII);
                    relaySocket.send(new DatagramPacket(b, b.length, echo.getLocalSocketAddress()));
                    sent.add(payload);
                    Thread.sleep(5); // paced like media; ice4j queues sends behind CreatePermission/ChannelBind
                }
                boolean complete = all.await(10, TimeUnit.SECONDS);
                assertTrue(complete, () -> "echoes back through the relay (expected: " + DATAGRAMS + "); got "
                        + received.size() + ": " + received);
                assertEquals(sent, new TreeSet<>(received), "echoed payloads");
                assertEquals(Set.of(echo.getLocalSocketAddress()), receivedFrom,
                        "peer address the relay reported for the echoes");
                assertEquals(Set.of(new InetSocketAddress(relayAddr.getAddress(), relayAddr.getPort())), echoSources,
                        "source address the peer saw (expected: the relayed transport address)");

                relaySocket.close(); // ice4j deallocates: Refresh with LIFETIME 0 (RFC 8656 §7.3)
                if (server.allocationCount() >= 0) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (server.allocationCount() != 0 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertEquals(0, server.allocationCount(), "turngate allocations after ice4j's Refresh(0)");
                }
            } finally {
                agent.free();
                echo.close();
                echoThread.join(2000);
            }
        }
    }

    private static Thread startEcho(DatagramSocket echo, Set<SocketAddress> sources) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            try {
                for (int i = 0; i < 10_000; i++) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    sources.add(p.getSocketAddress());
                    echo.send(p);
                }
            } catch (IOException closed) {
                // socket closed by the test
            }
        }, "udp-echo-peer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void receiveAll(IceSocketWrapper socket, Set<String> received, Set<SocketAddress> from,
                                   CountDownLatch all) {
        try {
            for (int i = 0; i < 10_000 && all.getCount() > 0; i++) {
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                socket.receive(p);
                from.add(p.getSocketAddress());
                if (received.add(new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.US_ASCII))) {
                    all.countDown();
                }
            }
        } catch (IOException closed) {
            // candidate freed by the test
        }
    }
}
