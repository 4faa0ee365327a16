package io.turngate.interop;

import static io.turngate.interop.InteropSupport.LISTENER_NAME;
import static io.turngate.interop.InteropSupport.LOOPBACK;
import static io.turngate.interop.InteropSupport.PERMISSION_DENIED;
import static io.turngate.interop.InteropSupport.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.interop.InteropSupport.Proc;
import io.turngate.interop.InteropSupport.ServerUnderTest;
import io.turngate.interop.InteropSupport.UclientReport;
import io.turngate.server.Gateway;
import io.turngate.server.SelfSignedCertificate;
import io.turngate.server.TestTlsEngines;
import io.turngate.server.TlsEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coturn's {@code turnutils_uclient} (turn-notes §4) against turngate: allocations with static long-term
 * credentials (RFC 8489 §9.2), channels (RFC 8656 §12) or Send/Data indications (RFC 8656 §11), EVEN-PORT with
 * RESERVATION-TOKEN for RTP/RTCP pairs (RFC 8656 §14.6, §14.9), DONT-FRAGMENT (RFC 8656 §14.8), relayed to a
 * {@code turnutils_peer} echo on loopback; and the STUNner route rule (stunner-compat §1c): a peer outside the
 * listener's clusters gets 403 and a {@value InteropSupport#PERMISSION_DENIED} log line. The same over TURN-TCP
 * ({@code -t}) and TURN-TLS ({@code -t -S}, with a certificate made at run time), RFC 8656 §3.1.
 *
 * <p>uclient starts sending 1-6 s after its allocations (random offset), so each relay run takes about 7 s.
 */
@Tag("interop")
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class UclientInteropTest {
    /** Messages per session ({@code -n}). */
    private static final int MESSAGES = 50;
    /** {@code -m 2}: one RTP+RTCP pair (EVEN-PORT R=1 / RESERVATION-TOKEN), or two plain sessions with {@code -c}. */
    private static final int CLIENTS = 2;
    private static final Duration UCLIENT_TIMEOUT = Duration.ofSeconds(30);

    @BeforeAll
    static void requireCoturnTools() {
        InteropSupport.requireTool("turnutils_uclient", "Debian package coturn");
        InteropSupport.requireTool("turnutils_peer", "Debian package coturn");
    }

    @Test
    void channelDataWithRtpRtcpPairRelaysEveryMessage() throws Exception {
        relaysEveryMessage();
    }

    @Test
    void channelDataWithoutRtcpRelaysEveryMessage() throws Exception {
        relaysEveryMessage("-c");
    }

    @Test
    void allocateWithDontFragmentRelaysEveryMessage() throws Exception {
        relaysEveryMessage("-g");
    }

    @Test
    void sendAndDataIndicationsRelayEveryMessage() throws Exception {
        relaysEveryMessage("-s");
    }

    @Test
    void channelBindToPeerOutsideRoutesReturns403() throws Exception {
        refusedWith403("channel bind: error 403");
    }

    @Test
    void createPermissionToPeerOutsideRoutesReturns403() throws Exception {
        refusedWith403("create permission error 403", "-s");
    }

    // ------------------------------------------------------- IPv6 and dual allocations (RFC 8656 §7.2)

    /**
     * {@code -x}: REQUESTED-ADDRESS-FAMILY IPv6 from an IPv4 client, to a {@code turnutils_peer} on {@code ::1}
     * that the only route names; every message comes back through the IPv6 relay socket.
     */
    @Test
    void ipv6RelayToAnIpv6PeerRelaysEveryMessage() throws Exception {
        relaysEveryMessageTo(InteropSupport.LOOPBACK_V6, InteropSupport::startServer, "-x", "-c");
    }

    /** {@code -x} with Send/Data indications, whose XOR-PEER-ADDRESS is then IPv6. */
    @Test
    void ipv6RelayWithSendAndDataIndicationsRelaysEveryMessage() throws Exception {
        relaysEveryMessageTo(InteropSupport.LOOPBACK_V6, InteropSupport::startServer, "-x", "-c", "-s");
    }

    /**
     * {@code -Z}: ADDITIONAL-ADDRESS-FAMILY, one IPv4 and one IPv6 relayed address in one Allocate; uclient uses the
     * relayed address of its peer's family, here the IPv6 one to {@code ::1}.
     */
    @Test
    void dualAllocationToAnIpv6PeerRelaysEveryMessage() throws Exception {
        assertDualAllocations(relaysEveryMessageTo(InteropSupport.LOOPBACK_V6, InteropSupport::startServer, "-Z"));
    }

    /** {@code -Z} to the IPv4 peer: the dual allocation's IPv4 half. */
    @Test
    void dualAllocationToAnIpv4PeerRelaysEveryMessage() throws Exception {
        assertDualAllocations(relaysEveryMessageTo(LOOPBACK, InteropSupport::startServer, "-Z"));
    }

    /** turngate logged every allocation with both relayed addresses (IPv4 and IPv6). */
    private static void assertDualAllocations(List<String> log) {
        List<String> created = log.stream().filter(l -> l.contains("allocation created")).collect(Collectors.toList());
        assertFalse(created.isEmpty(), () -> "no 'allocation created' line; log:\n" + String.join("\n", log));
        for (String l : created) {
            assertTrue(l.contains("relay address " + LOOPBACK + ":") && l.contains(" and [::1]:"),
                    () -> "a dual allocation's two relayed addresses (expected in): " + l);
        }
    }

    // ------------------------------------------------------------- TURN-TCP (RFC 8656 §3.1): uclient -t

    @Test
    void overTcpChannelDataWithRtpRtcpPairRelaysEveryMessage() throws Exception {
        relaysEveryMessage(UclientInteropTest::tcpServer, "-t");
    }

    @Test
    void overTcpSendAndDataIndicationsRelayEveryMessage() throws Exception {
        relaysEveryMessage(UclientInteropTest::tcpServer, "-t", "-s");
    }

    @Test
    void overTcpChannelBindToPeerOutsideRoutesReturns403() throws Exception {
        refusedWith403(UclientInteropTest::tcpServer, "channel bind: error 403", "-t");
    }

    // ------------------------------------------------------------- TURN-TLS (RFC 8656 §3.1): uclient -t -S

    @Test
    void overTlsChannelDataWithRtpRtcpPairRelaysEveryMessage() throws Exception {
        relaysEveryMessage(UclientInteropTest::tlsServer, "-t", "-S");
    }

    @Test
    void overTlsChannelBindToPeerOutsideRoutesReturns403() throws Exception {
        refusedWith403(UclientInteropTest::tlsServer, "channel bind: error 403", "-t", "-S");
    }

    @Test
    void overTlsWithTheJdkEngineChannelDataRelaysEveryMessage() throws Exception {
        relaysEveryMessage(endpoints -> tlsServer(endpoints, TlsEngine.JDK), "-t", "-S");
    }

    @Test
    void overTlsWithTheJdkEngineChannelBindToPeerOutsideRoutesReturns403() throws Exception {
        refusedWith403(endpoints -> tlsServer(endpoints, TlsEngine.JDK), "channel bind: error 403", "-t", "-S");
    }

    /** TURN-TLS served by OpenSSL (the default where it loads), with a certificate made now. */
    private static ServerUnderTest tlsServer(List<String> endpoints) throws Exception {
        return tlsServer(endpoints, TlsEngine.OPENSSL);
    }

    /** TURN-TLS with {@code engine} and a certificate made now (uclient does not check it without {@code -E}). */
    private static ServerUnderTest tlsServer(List<String> endpoints, TlsEngine engine) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(LOOPBACK);
        Gateway.Options options = InteropSupport.againstCoturn() ? Gateway.Options.defaults()
                : TestTlsEngines.options(Gateway.Options.defaults(), engine);
        return InteropSupport.startStreamServer("TURN-TLS", endpoints, cert.certificateBase64(),
                cert.privateKeyBase64(), options);
    }

    /** Starts the server under test routed to {@code endpoints}. */
    private interface Start {
        ServerUnderTest start(List<String> endpoints) throws Exception;
    }

    private static ServerUnderTest tcpServer(List<String> endpoints) throws Exception {
        return InteropSupport.startStreamServer("TURN-TCP", endpoints, "", "");
    }

    private static void relaysEveryMessage(String... flags) throws Exception {
        relaysEveryMessage(InteropSupport::startServer, flags);
    }

    private static void refusedWith403(String expectedError, String... flags) throws Exception {
        refusedWith403(InteropSupport::startServer, expectedError, flags);
    }

    private static void relaysEveryMessage(Start start, String... flags) throws Exception {
        relaysEveryMessageTo(LOOPBACK, start, flags);
    }

    /**
     * uclient relays every message to a {@code turnutils_peer} on {@code peerAddress}, the one routed endpoint.
     *
     * @return the server's log lines (turngate's; empty for coturn)
     */
    private static List<String> relaysEveryMessageTo(String peerAddress, Start start, String... flags)
            throws Exception {
        int peerPort = InteropSupport.freeUdpPortPair(peerAddress);
        try (ServerUnderTest server = start.start(List.of(peerAddress));
             Proc peer = InteropSupport.startEchoPeer(peerAddress, peerPort)) {
            UclientReport r = InteropSupport.runUclient(peerAddress, server.port(), peerPort, MESSAGES, CLIENTS,
                    UCLIENT_TIMEOUT, flags);
            String ctx = "turnutils_uclient -e " + peerAddress + " " + String.join(" ", flags) + " via "
                    + describe(server) + ":\n"
                    + r.summary();
            assertEquals(0, r.exitCode(), () -> "exit code (expected: 0); " + ctx + "\nfull output:\n" + r.output());
            assertEquals(List.of(), r.errorLines(), () -> "TURN error responses (expected: none); " + ctx);
            assertEquals((long) MESSAGES * CLIENTS, r.sentMsgs(), () -> "tot_send_msgs; " + ctx);
            assertEquals(r.sentMsgs(), r.receivedMsgs(), () -> "tot_recv_msgs (expected: = tot_send_msgs); " + ctx);
            assertEquals(0, r.lostPackets(), () -> "lost packets; " + ctx);
            assertEquals(0.0, r.lostPercent(), () -> "lost %; " + ctx);
            return server.kind().equals("turngate") ? List.copyOf(server.logLines()) : List.of();
        }
    }

    /**
     * The only cluster holds 127.0.0.2 while uclient's peer is 127.0.0.1: its first CreatePermission/ChannelBind
     * must get 403, it must give up, and nothing may reach the peer.
     */
    private static void refusedWith403(Start start, String expectedError, String... flags) throws Exception {
        int peerPort = InteropSupport.freeUdpPortPair();
        try (ServerUnderTest server = start.start(List.of("127.0.0.2"));
             DatagramSocket rtpPeer = new DatagramSocket(new InetSocketAddress(LOOPBACK, peerPort));
             DatagramSocket rtcpPeer = new DatagramSocket(new InetSocketAddress(LOOPBACK, peerPort + 1))) {
            UclientReport r = InteropSupport.runUclient(server.port(), peerPort, MESSAGES, CLIENTS, UCLIENT_TIMEOUT,
                    flags);
            String ctx = "turnutils_uclient " + String.join(" ", flags) + " via " + describe(server) + ":\n"
                    + r.output();
            assertNotEquals(0, r.exitCode(), () -> "exit code (expected: non-zero); " + ctx);
            assertTrue(r.errorLines().stream().anyMatch(l -> l.contains(expectedError)),
                    () -> "'" + expectedError + "' (expected in uclient output); " + ctx);
            assertTrue(r.errorLines().stream().allMatch(l -> l.contains("error 403")),
                    () -> "only 403 errors expected; " + ctx);
            assertTrue(r.receivedMsgs() <= 0, () -> "tot_recv_msgs (expected: absent or 0); " + ctx);
            assertEquals(0, drain(rtpPeer) + drain(rtcpPeer), () -> "datagrams that reached the refused peer; " + ctx);

            if (server.kind().equals("turngate")) {
                List<String> denied = server.logLines().stream().filter(l -> l.contains(PERMISSION_DENIED))
                        .collect(Collectors.toList());
                assertEquals(1, denied.size(), () -> "'" + PERMISSION_DENIED + "' lines (expected: 1, uclient "
                        + "gives up after one refusal); turngate log:\n" + String.join("\n", server.logLines()));
                String line = denied.get(0);
                assertTrue(line.contains("\"" + LISTENER_NAME + "\"") && line.contains("to peer " + LOOPBACK)
                                && line.contains("no route to endpoint"),
                        () -> "log line (expected: permission denied on listener \"" + LISTENER_NAME
                                + "\" for client \"<ip:port>\" to peer " + LOOPBACK + ": no route to endpoint): "
                                + line);
            }
        }
    }

    /** Counts datagrams waiting on {@code s}, waiting at most 200 ms for the first. */
    private static int drain(DatagramSocket s) throws IOException {
        s.setSoTimeout(200);
        int n = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                s.receive(new DatagramPacket(new byte[2048], 2048));
                n++;
                s.setSoTimeout(20);
            } catch (SocketTimeoutException none) {
                break;
            }
        }
        return n;
    }
}
