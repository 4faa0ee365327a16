package io.turngate.interop;

import static org.junit.jupiter.api.Assertions.fail;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.log.LogCapture;
import io.turngate.server.Gateway;
import io.turngate.server.TestCertificates;
import io.turngate.server.TestDtlsClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Plumbing shared by the interop tests: free loopback ports, child processes that are always stopped by PID,
 * external-tool detection, the stunnerd v1 config the tests run turngate with, and a parser for
 * {@code turnutils_uclient}'s summary lines (turn-notes §4.4).
 *
 * <p>The server under test is turngate, started in-process with {@link Gateway#start}. Setting
 * {@code -Dinterop.server=coturn} runs the same tests against coturn's {@code turnserver} as a child process instead
 * (a reference run for the harness itself; turngate-only assertions such as its log lines are skipped then).
 *
 * <p>Tool rule: a missing external tool skips the test with a loud message on stderr, except when the environment
 * variable {@code CI} is {@code true}, where it fails the test.
 */
final class InteropSupport {
    static final String USER = "user-1";
    static final String PASSWORD = "pass-1";
    static final String REALM = "stunner.l7mp.io";
    static final String LOOPBACK = "127.0.0.1";
    /** The IPv6 loopback, the peer of the IPv6 and dual-allocation runs. */
    static final String LOOPBACK_V6 = "::1";
    static final String LISTENER_NAME = "interop/udp-gateway/udp-listener";
    static final String DTLS_LISTENER_NAME = "interop/dtls-gateway/dtls-listener";
    static final String CLUSTER_NAME = "interop/echo-peers";
    /** The STUNner log line users grep for when a peer is refused (stunner-compat §1c.5). */
    static final String PERMISSION_DENIED = "permission denied on listener";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

    private InteropSupport() {
    }

    // ---------------------------------------------------------------- environment and tools

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** True when the tests run against coturn ({@code -Dinterop.server=coturn}) rather than turngate. */
    static boolean againstCoturn() {
        return "coturn".equalsIgnoreCase(System.getProperty("interop.server", "turngate"));
    }

    /**
     * Finds an executable on {@code PATH}. When it is missing the test is skipped with a loud stderr message, or
     * fails when {@code CI=true}.
     */
    static Path requireTool(String name, String installHint) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : Arrays.asList(path.split(File.pathSeparator)));
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        String msg = "interop tool '" + name + "' not found on PATH (expected: installed, e.g. " + installHint + ")";
        System.err.println("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        System.err.println("!!! " + (inCi() ? "FAILING (CI=true): " : "SKIPPING interop test: ") + msg);
        System.err.println("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
        if (inCi()) {
            fail(msg);
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }

    // ---------------------------------------------------------------- ports

    /** A UDP port that is free on the wildcard address (what a turngate listener binds). */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A UDP port {@code p} on 127.0.0.1 such that {@code p+1} is free too: {@code turnutils_peer -p p} binds both
     * (RTP and RTCP peer).
     */
    static int freeUdpPortPair() throws IOException {
        return freeUdpPortPair(LOOPBACK);
    }

    /** {@link #freeUdpPortPair()} on {@code address} ({@code ::1} for an IPv6 peer). */
    static int freeUdpPortPair(String address) throws IOException {
        for (int attempt = 0; attempt < 64; attempt++) {
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(address, 0))) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try (DatagramSocket b = new DatagramSocket(new InetSocketAddress(address, p + 1))) {
                    return p;
                } catch (SocketException busy) {
                    // p+1 taken: try another
                }
            }
        }
        throw new IOException("no pair of adjacent free UDP ports on " + LOOPBACK + " after 64 attempts");
    }

    // ---------------------------------------------------------------- child processes

    /**
     * A child process whose stdout and stderr are captured together. {@link #close()} stops it and its
     * descendants by PID (SIGTERM, then SIGKILL after a grace period).
     */
    static final class Proc implements AutoCloseable {
        private final String name;
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Thread pump;

        private Proc(String name, Process process) {
            this.name = name;
            this.process = process;
            this.pump = new Thread(this::pumpOutput, name + "-output-" + process.pid());
            this.pump.setDaemon(true);
            this.pump.start();
        }

        static Proc start(String name, List<String> command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            System.out.println("[interop] started " + name + " pid " + p.pid() + ": " + redact(command));
            return new Proc(name, p);
        }

        private void pumpOutput() {
            byte[] buf = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException closed) {
                // process gone
            }
        }

        long pid() {
            return process.pid();
        }

        String output() {
            return output.toString();
        }

        /**
         * Waits for the process to exit and for its output to be drained; on timeout stops it and fails with the
         * output seen so far.
         */
        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError(name + " (pid " + pid() + ") still running after " + timeout
                        + " (expected: exit); output so far:\n" + output());
            }
            pump.join(STOP_TIMEOUT.toMillis());
            return process.exitValue();
        }

        @Override
        public void close() {
            ProcessHandle.of(process.pid()).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroy);
                h.destroy();
            });
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    ProcessHandle.of(process.pid()).ifPresent(h -> {
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                    });
                    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                pump.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The command line for logs, with the password masked. */
    static String redact(List<String> command) {
        StringBuilder sb = new StringBuilder();
        boolean secretNext = false;
        for (String arg : command) {
            String shown = secretNext ? "***" : arg.replace(":" + PASSWORD, ":***");
            secretNext = arg.equals("-w");
            sb.append(sb.length() == 0 ? "" : " ").append(shown);
        }
        return sb.toString();
    }

    /** {@code turnutils_peer} (a UDP echo) on 127.0.0.1 {@code port} and {@code port+1}, answering when returned. */
    static Proc startEchoPeer(int port) throws IOException, InterruptedException {
        return startEchoPeer(LOOPBACK, port);
    }

    /** {@link #startEchoPeer(int)} on {@code address} ({@code ::1} for an IPv6 peer). */
    static Proc startEchoPeer(String address, int port) throws IOException, InterruptedException {
        Path tool = requireTool("turnutils_peer", "Debian package coturn");
        Proc peer = Proc.start("turnutils_peer", List.of(tool.toString(), "-L", address, "-p", Integer.toString(port)));
        boolean ok = false;
        try {
            if (!udpEchoAnswers(address, port, START_TIMEOUT) || !udpEchoAnswers(address, port + 1, START_TIMEOUT)) {
                throw new AssertionError("turnutils_peer on " + address + " " + port + " and " + (port + 1)
                        + " did not echo within " + START_TIMEOUT + "; output:\n" + peer.output());
            }
            ok = true;
            return peer;
        } finally {
            if (!ok) {
                peer.close();
            }
        }
    }

    private static boolean udpEchoAnswers(String address, int port, Duration timeout) throws IOException {
        byte[] probe = "interop-probe".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
            s.setSoTimeout(100);
            InetSocketAddress dst = new InetSocketAddress(address, port);
            while (System.nanoTime() < deadline) {
                s.send(new DatagramPacket(probe, probe.length, dst));
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                try {
                    s.receive(in);
                    if (Arrays.equals(probe, Arrays.copyOfRange(in.getData(), 0, in.getLength()))) {
                        return true;
                    }
                } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
                    // retry until the deadline
                }
            }
        }
        return false;
    }

    /**
     * True once a STUN Binding request (RFC 8489 §5) to 127.0.0.1:{@code port} gets a success response with the
     * same transaction ID.
     */
    static boolean stunBindingAnswers(int port, Duration timeout) throws IOException {
        byte[] req = new byte[20];
        req[1] = 0x01; // Binding request, length 0
        req[4] = 0x21;
        req[5] = 0x12;
        req[6] = (byte) 0xA4;
        req[7] = 0x42;
        byte[] txid = new byte[12];
        ThreadLocalRandom.current().nextBytes(txid);
        System.arraycopy(txid, 0, req, 8, 12);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(100);
            InetSocketAddress dst = new InetSocketAddress(LOOPBACK, port);
            while (System.nanoTime() < deadline) {
                s.send(new DatagramPacket(req, req.length, dst));
                DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                try {
                    s.receive(in);
                    byte[] b = in.getData();
                    if (in.getLength() >= 20 && b[0] == 0x01 && b[1] == 0x01
                            && Arrays.equals(txid, Arrays.copyOfRange(b, 8, 20))) {
                        return true;
                    }
                } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
                    // retry until the deadline
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- the server under test

    /** The TURN server the tests talk to: turngate in-process, or coturn as a reference. */
    interface ServerUnderTest extends AutoCloseable {
        /** "turngate" or "coturn". */
        String kind();

        /** UDP port of the TURN listener on 127.0.0.1. */
        int port();

        /** Lines turngate logged since start ({@code LEVEL logger: message}); empty for coturn. */
        List<String> logLines();

        /** turngate's live allocation count, -1 for coturn. */
        int allocationCount();

        @Override
        void close() throws Exception;
    }

    /**
     * Starts the server under test with one TURN-UDP listener on a free port (relay address 127.0.0.1), static auth
     * {@value #USER}/{@value #PASSWORD} in realm {@value #REALM}, and one STATIC cluster with {@code endpoints}.
     * For coturn, loopback peers are allowed iff {@code endpoints} names 127.0.0.1 (coturn has no route model).
     */
    static ServerUnderTest startServer(List<String> endpoints) throws Exception {
        if (againstCoturn()) {
            return startCoturn(endpoints.contains(LOOPBACK));
        }
        return startTurngate(endpoints);
    }

    /**
     * {@link #startServer(List)} with a TURN-TCP ({@code protocol} "TURN-TCP") or TURN-TLS listener ("TURN-TLS", with
     * the base64 PEM {@code cert} and {@code key}) instead, on a free TCP port. Against coturn only TURN-TCP is
     * offered (coturn serves TCP on its listening port).
     */
    static ServerUnderTest startStreamServer(String protocol, List<String> endpoints, String cert, String key)
            throws Exception {
        return startStreamServer(protocol, endpoints, cert, key, Gateway.Options.defaults());
    }

    /** {@link #startStreamServer(String, List, String, String)} with turngate's {@code options} (the TLS engine). */
    static ServerUnderTest startStreamServer(String protocol, List<String> endpoints, String cert, String key,
                                             Gateway.Options options) throws Exception {
        if (againstCoturn()) {
            Assumptions.assumeTrue(protocol.equals("TURN-TCP"), "the coturn reference run covers TURN-TCP only");
            return startCoturn(endpoints.contains(LOOPBACK));
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return startTurngate(port, stunnerConfigJson(port, endpoints, protocol, LISTENER_NAME, cert, key), options,
                () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(LOOPBACK, port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The stunnerd v1 dataplane config (stunner-compat §1a) the tests run turngate with. */
    static String stunnerConfigJson(int port, List<String> endpoints) {
        return stunnerConfigJson(port, endpoints, "TURN-UDP", LISTENER_NAME, "", "");
    }

    /**
     * {@link #stunnerConfigJson(int, List)} with a listener of {@code protocol} named {@code name} and its TLS/DTLS
     * material ({@code cert}, {@code key}: STUNner's base64 PEM fields, or "" for none).
     */
    static String stunnerConfigJson(int port, List<String> endpoints, String protocol, String name, String cert,
                                    String key) {
        String eps = endpoints.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", "));
        return "{\n"
                + "  \"version\": \"v1\",\n"
                + "  \"admin\": {\"name\": \"interop/turngate\", \"loglevel\": \"all:INFO\",\n"
                + "            \"healthcheck_endpoint\": \"\"},\n"
                + "  \"auth\": {\"type\": \"static\", \"realm\": \"" + REALM + "\",\n"
                + "           \"credentials\": {\"username\": \"" + USER + "\", \"password\": \"" + PASSWORD
                + "\"}},\n"
                + "  \"listeners\": [{\"name\": \"" + name + "\", \"protocol\": \"" + protocol + "\",\n"
                + (cert.isEmpty() ? "" : "                 \"cert\": \"" + cert + "\", \"key\": \"" + key + "\",\n")
                + "                 \"address\": \"" + LOOPBACK + "\", \"port\": " + port + ",\n"
                + "                 \"routes\": [\"" + CLUSTER_NAME + "\"]}],\n"
                + "  \"clusters\": [{\"name\": \"" + CLUSTER_NAME + "\", \"type\": \"STATIC\", \"protocol\": \"UDP\",\n"
                + "                \"endpoints\": [" + eps + "]}]\n"
                + "}\n";
    }

    private static ServerUnderTest startTurngate(List<String> endpoints) throws Exception {
        int port = freeUdpPort();
        return startTurngate(port, stunnerConfigJson(port, endpoints), () -> stunBindingAnswers(port, START_TIMEOUT));
    }

    /**
     * turngate with one TURN-DTLS listener (RFC 7350) on a free port with {@code certs}, otherwise as
     * {@link #startServer}; ready once Bouncy Castle's DTLS client completes a handshake with it. turngate only.
     */
    static ServerUnderTest startTurngateDtls(List<String> endpoints, TestCertificates certs) throws Exception {
        int port = freeUdpPort();
        return startTurngate(port, stunnerConfigJson(port, endpoints, "TURN-DTLS", DTLS_LISTENER_NAME,
                certs.certField(), certs.keyField()), () -> {
                    TestDtlsClient.connect(port, certs.certDer, (int) START_TIMEOUT.toMillis()).close();
                    return true;
                });
    }

    /** A check that the server under test answers (false, or an exception, when it does not). */
    interface Probe {
        boolean answers() throws Exception;
    }

    private static ServerUnderTest startTurngate(int port, String json, Probe ready) throws Exception {
        return startTurngate(port, json, Gateway.Options.defaults(), ready);
    }

    private static ServerUnderTest startTurngate(int port, String json, Gateway.Options options, Probe ready)
            throws Exception {
        StunnerConfig cfg = ConfigLoader.parse(json, Map.of());
        Gateway gw = Gateway.start(cfg, options);
        LogCapture logs = null;
        boolean ok = false;
        try {
            logs = LogCapture.attach();
            if (!ready.answers()) {
                throw new AssertionError("turngate on port " + port + " did not answer within " + START_TIMEOUT);
            }
            ok = true;
            LogCapture capture = logs;
            return new ServerUnderTest() {
                @Override
                public String kind() {
                    return "turngate";
                }

                @Override
                public int port() {
                    return port;
                }

                @Override
                public List<String> logLines() {
                    return capture.lines();
                }

                @Override
                public int allocationCount() {
                    return gw.allocationCount();
                }

                @Override
                public void close() throws Exception {
                    try {
                        gw.close();
                    } finally {
                        capture.close();
                    }
                }
            };
        } finally {
            if (!ok) {
                try {
                    gw.close();
                } finally {
                    if (logs != null) {
                        logs.close();
                    }
                }
            }
        }
    }

    private static ServerUnderTest startCoturn(boolean allowLoopbackPeers) throws Exception {
        Path tool = requireTool("turnserver", "Debian package coturn");
        int port = freeUdpPort();
        Path dir = Files.createTempDirectory("interop-coturn");
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-n",
                "--listening-ip=" + LOOPBACK, "--listening-port=" + port, "--relay-ip=" + LOOPBACK,
                "--realm=" + REALM, "--user=" + USER + ":" + PASSWORD, "--lt-cred-mech",
                "--no-cli", "--no-tls", "--no-dtls", "--log-file=stdout", "--simple-log",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--db=" + dir.resolve("turndb")));
        if (allowLoopbackPeers) {
            cmd.add("--allow-loopback-peers");
        }
        Proc proc = Proc.start("turnserver", cmd);
        boolean ok = false;
        try {
            if (!stunBindingAnswers(port, START_TIMEOUT)) {
                throw new AssertionError("coturn on UDP port " + port + " did not answer a STUN Binding request within "
                        + START_TIMEOUT + "; output:\n" + proc.output());
            }
            ok = true;
        } finally {
            if (!ok) {
                proc.close();
                deleteTree(dir);
            }
        }
        return new ServerUnderTest() {
            @Override
            public String kind() {
                return "coturn";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public List<String> logLines() {
                return List.of();
            }

            @Override
            public int allocationCount() {
                return -1;
            }

            @Override
            public void close() throws IOException {
                proc.close();
                deleteTree(dir);
            }
        };
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------- turnutils_uclient

    /** Summary of one {@code turnutils_uclient} run, parsed from its output (turn-notes §4.4). */
    record UclientReport(int exitCode, long sentMsgs, long receivedMsgs, long lostPackets, double lostPercent,
                         List<String> errorLines, String output) {
        private static final Pattern TOTALS = Pattern.compile(
                "start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
        private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+) \\(([0-9.]+)%\\)");
        private static final Pattern ERROR = Pattern.compile("error \\d{3}");

        /** Counts are -1 when the corresponding line is absent (e.g. the client gave up early). */
        static UclientReport parse(int exitCode, String output) {
            long sent = -1;
            long recv = -1;
            long lost = -1;
            double lostPct = -1;
            Matcher m = TOTALS.matcher(output);
            while (m.find()) {
                sent = Long.parseLong(m.group(1));
                recv = Long.parseLong(m.group(2));
            }
            m = LOST.matcher(output);
            while (m.find()) {
                lost = Long.parseLong(m.group(1));
                lostPct = Double.parseDouble(m.group(2));
            }
            List<String> errors = output.lines().filter(l -> ERROR.matcher(l).find()).distinct()
                    .collect(Collectors.toList());
            return new UclientReport(exitCode, sent, recv, lost, lostPct, errors, output);
        }

        /** The summary lines, for the test log and assertion messages. */
        String summary() {
            return output.lines()
                    .filter(l -> l.contains("start_mclient: tot_") || l.contains("Total lost")
                            || l.contains("Total transmit") || ERROR.matcher(l).find())
                    .distinct()
                    .collect(Collectors.joining("\n", "exit " + exitCode + "\n", ""));
        }
    }

    /**
     * Runs {@code turnutils_uclient -e 127.0.0.1 -r peerPort -p serverPort -u user-1 -w pass-1 -n messages
     * -m clients -l 120 [flags] 127.0.0.1} with a hard timeout.
     */
    static UclientReport runUclient(int serverPort, int peerPort, int messages, int clients, Duration timeout,
                                    String... flags) throws IOException, InterruptedException {
        return runUclient(LOOPBACK, serverPort, peerPort, messages, clients, timeout, flags);
    }

    /** {@link #runUclient(int, int, int, int, Duration, String...)} to the peer at {@code peerAddress}. */
    static UclientReport runUclient(String peerAddress, int serverPort, int peerPort, int messages, int clients,
                                    Duration timeout, String... flags) throws IOException, InterruptedException {
        Path tool = requireTool("turnutils_uclient", "Debian package coturn");
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-e", peerAddress, "-r", Integer.toString(peerPort),
                "-p", Integer.toString(serverPort), "-u", USER, "-w", PASSWORD,
                "-n", Integer.toString(messages), "-m", Integer.toString(clients), "-l", "120"));
        cmd.addAll(Arrays.asList(flags));
        cmd.add(LOOPBACK);
        try (Proc p = Proc.start("turnutils_uclient", cmd)) {
            int exit = p.awaitExit(timeout);
            UclientReport r = UclientReport.parse(exit, p.output());
            System.out.println("[interop] turnutils_uclient " + String.join(" ", flags) + ":\n" + r.summary());
            return r;
        }
    }

    static String describe(ServerUnderTest server) {
        return server.kind() + " on " + LOOPBACK + ":" + server.port();
    }
}
