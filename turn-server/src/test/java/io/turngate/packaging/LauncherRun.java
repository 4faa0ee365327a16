package io.turngate.packaging;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway started through the {@code stunnerd} launcher as a process, and what the tests ask it: HTTP on the health
 * and metrics ports, a STUN Binding on loopback. Closing it kills the process if it is still running.
 */
final class LauncherRun implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final Path log;

    private LauncherRun(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs {@code launcher args} with exactly {@code env}; stdout and stderr go to {@code log}. */
    static LauncherRun start(Path launcher, Map<String, String> env, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new LauncherRun(pb.start(), log);
    }

    /** The shaded jar that {@code mvn package} built (failsafe sets {@code turngate.jar}). */
    static Path builtJar() {
        Path jar = Path.of(System.getProperty("turngate.jar", "target/turngate.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the shaded jar is built before the integration tests run: " + jar);
        return jar;
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A stunnerd config as the operator renders it for stunner/udp-gateway (listener address {@code $STUNNER_ADDR}),
     * on loopback ports of this test.
     */
    static Path config(Path dir, int udp, int health, int metrics) throws IOException {
        return Files.writeString(dir.resolve("stunnerd.conf"), "{\"version\": \"v1\",\n"
                + " \"admin\": {\"name\": \"stunner/udp-gateway\", \"loglevel\": \"all:INFO\",\n"
                + "   \"healthcheck_endpoint\": \"http://127.0.0.1:" + health + "\",\n"
                + "   \"metrics_endpoint\": \"http://127.0.0.1:" + metrics + "/metrics\"},\n"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"stunner.l7mp.io\",\n"
                + "   \"credentials\": {\"username\": \"user-1\", \"password\": \"pass-1\"}},\n"
                + " \"listeners\": [{\"name\": \"stunner/udp-gateway/udp-listener\", \"protocol\": \"TURN-UDP\",\n"
                + "   \"address\": \"$STUNNER_ADDR\", \"port\": " + udp + ", \"routes\": [\"stunner/worker-udp-route\"]}],\n"
                + " \"clusters\": [{\"name\": \"stunner/worker-udp-route\", \"type\": \"STATIC\", \"endpoints\": [\"127.0.0.1\"]}]}\n");
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static boolean await(BooleanSupplier c, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return c.getAsBoolean();
    }

    /** {@code GET http://127.0.0.1:port/path}: status and body, or status -1 when nothing answers. */
    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int status(int port, String path) {
        HttpResponse<String> r = get(port, path);
        return r == null ? -1 : r.statusCode();
    }

    /**
     * Sends a STUN Binding request (RFC 8489 §6, no attributes) to 127.0.0.1:port and checks the success response:
     * same transaction id, and XOR-MAPPED-ADDRESS = this socket's address.
     */
    static void assertBindingAnswered(int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(2000);
            byte[] tid = new byte[12];
            new SecureRandom().nextBytes(tid);
            ByteBuffer req = ByteBuffer.allocate(20).putShort((short) 0x0001).putShort((short) 0).putInt(0x2112A442).put(tid);
            byte[] in = new byte[1500];
            DatagramPacket answer = new DatagramPacket(in, in.length);
            for (int attempt = 0; ; attempt++) {
                s.send(new DatagramPacket(req.array(), 20, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
                try {
                    s.receive(answer);
                    break;
                } catch (SocketTimeoutException e) {
                    if (attempt == 2) {
                        throw new AssertionError("no answer to a STUN Binding request on 127.0.0.1:" + port);
                    }
                }
            }
            ByteBuffer b = ByteBuffer.wrap(in, 0, answer.getLength());
            assertEquals(0x0101, b.getShort() & 0xffff, "Binding success response");
            int length = b.getShort() & 0xffff;
            assertEquals(0x2112A442, b.getInt());
            byte[] got = new byte[12];
            b.get(got);
            assertTrue(java.util.Arrays.equals(tid, got), "same transaction id");
            int end = 20 + length;
            while (b.position() + 4 <= end) {
                int type = b.getShort() & 0xffff;
                int len = b.getShort() & 0xffff;
                int next = b.position() + ((len + 3) & ~3);
                if (type == 0x0020) { // XOR-MAPPED-ADDRESS, RFC 8489 §14.2
                    b.get(); // reserved
                    assertEquals(0x01, b.get(), "IPv4");
                    int xport = (b.getShort() & 0xffff) ^ 0x2112;
                    byte[] ip = new byte[4];
                    b.get(ip);
                    for (int i = 0; i < 4; i++) {
                        ip[i] ^= (byte) (0x2112A442 >>> (24 - 8 * i));
                    }
                    assertEquals(s.getLocalPort(), xport, "XOR-MAPPED-ADDRESS port");
                    assertEquals(InetAddress.getLoopbackAddress(), InetAddress.getByAddress(ip), "XOR-MAPPED-ADDRESS IP");
                    return;
                }
                b.position(next);
            }
            throw new AssertionError("Binding success response without XOR-MAPPED-ADDRESS");
        }
    }

    /** Sends {@code signal} to the process (by its pid, which is the JVM's: the launcher execs java). */
    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
