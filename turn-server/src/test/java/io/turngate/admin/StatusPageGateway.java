package io.turngate.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;

/**
 * An in-process gateway with its admin servers, for the status page tests: one TURN-UDP listener on 127.0.0.1
 * routed to a static cluster of 127.0.0.1, and the health port (which serves the status page at {@code /}) on
 * 127.0.0.1 too. {@link #close()} stops both.
 *
 * <p>The health port is a free TCP port found by binding port 0 first: {@code healthcheck_endpoint} cannot ask for
 * port 0 itself ({@code HttpEndpoint.parse} accepts 1..65535 only), so there is a short window in which another
 * process could take the port.
 */
final class StatusPageGateway implements AutoCloseable {
    static final String LISTENER = "status-page/udp";
    static final String CLUSTER = "status-page/echo";
    static final String USER = "user-1";
    static final String PASS = "pass-1";

    private final Gateway gateway;
    private final AdminServers admin;
    private final int turnPort;

    private StatusPageGateway(Gateway gateway, AdminServers admin, int turnPort) {
        this.gateway = gateway;
        this.admin = admin;
        this.turnPort = turnPort;
    }

    /** Starts the gateway, marks it ready and starts its admin servers; on failure nothing is left running. */
    static StatusPageGateway start() throws Exception {
        int turnPort = freeUdpPort();
        StunnerConfig cfg = config(turnPort, "http://127.0.0.1:" + freeTcpPort());
        Gateway gw = Gateway.start(cfg);
        try {
            Readiness r = new Readiness(false);
            r.configApplied();
            AdminServers admin = new AdminServers(gw, r, null, "test", System::currentTimeMillis);
            try {
                admin.start(cfg.admin());
            } catch (Exception | Error e) {
                admin.close();
                throw e;
            }
            return new StatusPageGateway(gw, admin, turnPort);
        } catch (Exception | Error e) {
            gw.close();
            throw e;
        }
    }

    /** stunnerd v1 config: static auth, one TURN-UDP listener on {@code turnPort}, health port {@code health}. */
    static StunnerConfig config(int turnPort, String health) throws Exception {
        String json = "{\"version\":\"v1\","
                + "\"admin\":{\"name\":\"status-page-test\",\"loglevel\":\"all:WARN\","
                + "\"healthcheck_endpoint\":\"" + health + "\",\"metrics_endpoint\":\"\"},"
                + "\"auth\":{\"type\":\"static\",\"realm\":\"turngate.test\","
                + "\"credentials\":{\"username\":\"" + USER + "\",\"password\":\"" + PASS + "\"}},"
                + "\"listeners\":[{\"name\":\"" + LISTENER + "\",\"protocol\":\"TURN-UDP\","
                + "\"address\":\"127.0.0.1\",\"port\":" + turnPort + ",\"routes\":[\"" + CLUSTER + "\"]}],"
                + "\"clusters\":[{\"name\":\"" + CLUSTER + "\",\"type\":\"STATIC\",\"protocol\":\"UDP\","
                + "\"endpoints\":[\"127.0.0.1\"]}]}";
        return ConfigLoader.parse(json, Map.of());
    }

    Gateway gateway() {
        return gateway;
    }

    /** The TURN listener's port on 127.0.0.1. */
    int turnPort() {
        return turnPort;
    }

    /** {@code http://127.0.0.1:PORT/}: the status page. */
    URI statusPage() {
        InetSocketAddress a = admin.healthAddress();
        if (a == null) {
            throw new IllegalStateException("no health check server is running");
        }
        return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            gateway.close();
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
