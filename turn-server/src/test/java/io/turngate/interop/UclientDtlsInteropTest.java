package io.turngate.interop;

import static io.turngate.interop.InteropSupport.DTLS_LISTENER_NAME;
import static io.turngate.interop.InteropSupport.LOOPBACK;
import static io.turngate.interop.InteropSupport.PERMISSION_DENIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turngate.interop.InteropSupport.Proc;
import io.turngate.interop.InteropSupport.ServerUnderTest;
import io.turngate.interop.InteropSupport.UclientReport;
import io.turngate.server.TestCertificates;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coturn's {@code turnutils_uclient -S} (DTLS over UDP, its OpenSSL) against a TURN-DTLS listener (RFC 7350):
 * uclient handshakes, allocates, binds channels or uses Send/Data indications and relays to a
 * {@code turnutils_peer} echo on loopback with 0 % loss; a peer outside the listener's clusters gets 403.
 * turngate only ({@code -Dinterop.server=coturn} has no DTLS reference here).
 *
 * <p>uclient is given the server's certificate as its CA ({@code -E}, the test's own self-signed certificate made
 * with Bouncy Castle at test time), but coturn 4.6.1's uclient does not fail a handshake whose certificate does
 * not chain to it (tried: a run with another certificate relays all the same). That the listener presents its
 * configured certificate is proven by {@code server.DtlsListenerTest}, whose Bouncy Castle client checks it.
 */
@Tag("interop")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UclientDtlsInteropTest {
    private static final int MESSAGES = 50;
    private static final int CLIENTS = 2;
    private static final Duration UCLIENT_TIMEOUT = Duration.ofSeconds(30);

    private static TestCertificates certs;
    private static Path dir;
    private static Path certFile;

    @BeforeAll
    static void setUp() throws Exception {
        InteropSupport.requireTool("turnutils_uclient", "Debian package coturn");
        InteropSupport.requireTool("turnutils_peer", "Debian package coturn");
        Assumptions.assumeFalse(InteropSupport.againstCoturn(), "TURN-DTLS interop runs against turngate only");
        certs = TestCertificates.ec();
        dir = Files.createTempDirectory("interop-dtls");
        certFile = certs.writeTo(dir)[0];
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dir != null) {
            try (var s = Files.list(dir)) {
                for (Path p : s.collect(Collectors.toList())) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void channelDataOverDtlsRelaysEveryMessage() throws Exception {
        relaysEveryMessage("-c");
    }

    @Test
    void rtpRtcpPairOverDtlsRelaysEveryMessage() throws Exception {
        relaysEveryMessage();
    }

    @Test
    void sendAndDataIndicationsOverDtlsRelayEveryMessage() throws Exception {
        relaysEveryMessage("-s", "-c");
    }

    @Test
    void channelBindOverDtlsToPeerOutsideRoutesReturns403() throws Exception {
        int peerPort = InteropSupport.freeUdpPortPair();
        try (ServerUnderTest server = InteropSupport.startTurngateDtls(List.of("127.0.0.2"), certs);
             DatagramSocket rtpPeer = new DatagramSocket(new InetSocketAddress(LOOPBACK, peerPort));
             DatagramSocket rtcpPeer = new DatagramSocket(new InetSocketAddress(LOOPBACK, peerPort + 1))) {
            UclientReport r = run(server, peerPort);
            String ctx = "turnutils_uclient -S via turngate DTLS on " + LOOPBACK + ":" + server.port() + ":\n"
                    + r.output();
            assertNotEquals(0, r.exitCode(), () -> "exit code (expected: non-zero); " + ctx);
            assertTrue(r.errorLines().stream().anyMatch(l -> l.contains("channel bind: error 403")),
                    () -> "'channel bind: error 403' (expected in uclient output); " + ctx);
            assertTrue(r.errorLines().stream().allMatch(l -> l.contains("error 403")), () -> "only 403; " + ctx);
            assertEquals(0, drain(rtpPeer) + drain(rtcpPeer), () -> "datagrams that reached the refused peer; " + ctx);
            List<String> denied = server.logLines().stream().filter(l -> l.contains(PERMISSION_DENIED))
                    .collect(Collectors.toList());
            assertEquals(1, denied.size(), () -> "'" + PERMISSION_DENIED + "' lines; log:\n"
                    + String.join("\n", server.logLines()));
            assertTrue(denied.get(0).contains("\"" + DTLS_LISTENER_NAME + "\""), denied.get(0));
        }
    }

    private static void relaysEveryMessage(String... flags) throws Exception {
        int peerPort = InteropSupport.freeUdpPortPair();
        try (ServerUnderTest server = InteropSupport.startTurngateDtls(List.of(LOOPBACK), certs);
             Proc peer = InteropSupport.startEchoPeer(peerPort)) {
            UclientReport r = run(server, peerPort, flags);
            String ctx = "turnutils_uclient -S " + String.join(" ", flags) + " via turngate DTLS:\n" + r.summary();
            assertEquals(0, r.exitCode(), () -> "exit code (expected: 0); " + ctx + "\nfull output:\n" + r.output());
            assertEquals(List.of(), r.errorLines(), () -> "TURN error responses (expected: none); " + ctx);
            assertEquals((long) MESSAGES * CLIENTS, r.sentMsgs(), () -> "tot_send_msgs; " + ctx);
            assertEquals(r.sentMsgs(), r.receivedMsgs(), () -> "tot_recv_msgs (expected: = tot_send_msgs); " + ctx);
            assertEquals(0, r.lostPackets(), () -> "lost packets; " + ctx);
            assertEquals(0.0, r.lostPercent(), () -> "lost %; " + ctx);
            assertTrue(server.logLines().stream().noneMatch(l -> l.contains("handler error")),
                    () -> "no handler errors; log:\n" + String.join("\n", server.logLines()));
        }
    }

    /** uclient over DTLS ({@code -S}), verifying the server against the test certificate ({@code -E}). */
    private static UclientReport run(ServerUnderTest server, int peerPort, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("-S", "-E", certFile.toString()));
        all.addAll(List.of(flags));
        return InteropSupport.runUclient(server.port(), peerPort, MESSAGES, CLIENTS, UCLIENT_TIMEOUT,
                all.toArray(new String[0]));
    }

    private static int drain(DatagramSocket s) throws Exception {
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
