package io.turngate.server;

import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.Defaults;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.ListenerProtocol;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.turn.Refusal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Config builders and small utilities shared by the in-process gateway tests. */
public final class TestGateways {
    public static final String LISTENER = "testns/gateway/udp-listener";
    public static final String DTLS_LISTENER = "testns/gateway/dtls-listener";
    public static final String REALM = "turngate.test";
    public static final String USER = "user-1";
    public static final String PASS = "pass-1";

    private TestGateways() {
    }

    public static AuthConfig staticAuth() {
        return new AuthConfig(AuthType.STATIC, REALM, Map.of("username", USER, "password", PASS));
    }

    public static AuthConfig ephemeralAuth(String secret) {
        return new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", secret));
    }

    public static ClusterConfig cluster(String name, String... endpoints) {
        return new ClusterConfig(name, ClusterType.STATIC, ClusterProtocol.UDP, List.of(endpoints));
    }

    /** One TURN-UDP listener on {@code port} advertising {@code address}, routed to every given cluster. */
    public static StunnerConfig config(AuthConfig auth, int port, String address, List<ClusterConfig> clusters) {
        List<String> routes = new ArrayList<>();
        for (ClusterConfig c : clusters) {
            routes.add(c.name());
        }
        routes.sort(null);
        return new StunnerConfig(Defaults.API_VERSION,
                new AdminConfig(Defaults.ADMIN_NAME, Defaults.LOG_LEVEL, "", "", 0, Defaults.OFFLOAD_ENGINE, List.of()),
                auth,
                List.of(new ListenerConfig(LISTENER, ListenerProtocol.TURN_UDP, "", 0, address, port, "", "", routes)),
                clusters);
    }

    /**
     * One listener of {@code protocol} on {@code port} advertising 127.0.0.1, static auth, routed to one cluster
     * {@code cluster-a} with {@code endpoints}; {@code cert} and {@code key} are the base64 PEM fields (TLS only).
     */
    public static StunnerConfig config(ListenerProtocol protocol, int port, String cert, String key,
                                       String... endpoints) {
        return new StunnerConfig(Defaults.API_VERSION,
                new AdminConfig(Defaults.ADMIN_NAME, Defaults.LOG_LEVEL, "", "", 0, Defaults.OFFLOAD_ENGINE, List.of()),
                staticAuth(),
                List.of(new ListenerConfig(LISTENER, protocol, "", 0, "127.0.0.1", port, cert, key,
                        List.of("cluster-a"))),
                List.of(cluster("cluster-a", endpoints)));
    }

    /** A TCP port that was free a moment ago (on the wildcard address). */
    public static int freeTcpPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One TURN-DTLS listener {@link #DTLS_LISTENER} on {@code port} with {@code certs}, routed to {@code endpoints}. */
    public static StunnerConfig dtlsConfig(int port, TestCertificates certs, String... endpoints) {
        return new StunnerConfig(Defaults.API_VERSION,
                new AdminConfig(Defaults.ADMIN_NAME, Defaults.LOG_LEVEL, "", "", 0, Defaults.OFFLOAD_ENGINE, List.of()),
                staticAuth(),
                List.of(new ListenerConfig(DTLS_LISTENER, ListenerProtocol.TURN_DTLS, "", 0, "127.0.0.1", port,
                        certs.certField(), certs.keyField(), List.of("cluster-a"))),
                List.of(cluster("cluster-a", endpoints)));
    }

    public static StunnerConfig config(int port, String... endpoints) {
        return config(staticAuth(), port, "127.0.0.1", List.of(cluster("cluster-a", endpoints)));
    }

    /** A UDP port that was free a moment ago (on the wildcard address, both families). */
    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Can a UDP socket be bound on the wildcard address and {@code port} right now? */
    public static boolean udpPortIsFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} every 10 ms for at most {@code millis}; true once it holds. */
    public static boolean await(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Waits (≤ 2 s) until {@code counter} of {@code gw} has grown by at least {@code delta} from {@code before}; returns its growth. */
    public static long awaitCounter(Gateway gw, Counter counter, long before, long delta) {
        await(() -> gw.counter(counter) - before >= delta, 2000);
        return gw.counter(counter) - before;
    }

    /** Requests of {@code gw} refused on the authentication path (every {@link Refusal.Kind#AUTH} refusal). */
    public static long authFailures(Gateway gw) {
        return refusals(gw, Refusal.Kind.AUTH);
    }

    /** Peers refused by {@code gw} (every {@link Refusal.Kind#PERMISSION} refusal). */
    public static long permissionRefusals(Gateway gw) {
        return refusals(gw, Refusal.Kind.PERMISSION);
    }

    private static long refusals(Gateway gw, Refusal.Kind kind) {
        long n = 0;
        for (Refusal r : Refusal.values()) {
            if (r.kind() == kind) {
                n += gw.refusals(r);
            }
        }
        return n;
    }
}
