package io.turngate.cli;

import io.turngate.config.load.ConfigSource;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.load.FileConfigSource;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;
import io.turngate.server.TestPeer;
import io.turngate.server.TestTurnClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CloudRetro shape end to end: turngate runs from a Gateway API YAML (GatewayClass, GatewayConfig, Gateway,
 * UDPRoute, StaticService), {@code -w} picks up edits while a channel carries traffic, and a broken edit is rejected
 * while the running config keeps serving.
 */
class GatewayYamlWatchTest {
    @TempDir
    Path tmp;

    private static String manifests(int port, String password, String prefixes) {
        return String.join("\n",
                "apiVersion: gateway.networking.k8s.io/v1",
                "kind: GatewayClass",
                "metadata: {name: stunner-gatewayclass}",
                "spec:",
                "  controllerName: stunner.l7mp.io/gateway-operator",
                "  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: stunner-gatewayconfig, namespace: stunner}",
                "---",
                "apiVersion: stunner.l7mp.io/v1",
                "kind: GatewayConfig",
                "metadata: {name: stunner-gatewayconfig, namespace: stunner}",
                "spec: {realm: stunner.l7mp.io, authType: static, userName: user-1, password: " + password + "}",
                "---",
                "apiVersion: gateway.networking.k8s.io/v1",
                "kind: Gateway",
                "metadata: {name: udp-gateway, namespace: stunner}",
                "spec:",
                "  gatewayClassName: stunner-gatewayclass",
                "  listeners: [{name: udp-listener, port: " + port + ", protocol: TURN-UDP}]",
                "---",
                "apiVersion: stunner.l7mp.io/v1",
                "kind: UDPRoute",
                "metadata: {name: worker-udp-route, namespace: stunner}",
                "spec:",
                "  parentRefs: [{name: udp-gateway}]",
                "  rules: [{backendRefs: [{group: stunner.l7mp.io, kind: StaticService, name: workers, namespace: cloudretro}]}]",
                "---",
                "apiVersion: stunner.l7mp.io/v1",
                "kind: StaticService",
                "metadata: {name: workers, namespace: cloudretro}",
                "spec: {prefixes: [" + prefixes + "]}",
                "");
    }

    /** Replace-by-rename, as editors and ConfigMap updates do. */
    private static void replace(Path file, String text) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean await(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.getAsBoolean();
    }

    @Test
    void editsApplyLiveAndABrokenEditKeepsTheRunningConfig() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
            port = s.getLocalPort();
        }
        Path file = tmp.resolve("gateway.yaml");
        Files.writeString(file, manifests(port, "pass-1", "127.0.0.1/32"));
        ConfigSources.Loaded loaded = ConfigSources.load(file, Map.of(), null);
        assertEquals(ConfigSources.GATEWAY, loaded.sourceKind());
        StunnerConfig first = loaded.config();
        assertEquals("stunner/udp-gateway/udp-listener", first.listeners().get(0).name());

        AtomicInteger invalid = new AtomicInteger();
        try (Gateway gw = Gateway.start(first);
             FileConfigSource watch = new FileConfigSource(file, Map.of(), null);
             TestPeer peer = TestPeer.echo();
             TestTurnClient client = TestTurnClient.of(port, "user-1", "pass-1")) {
            watch.watch(new ConfigSource.Listener() {
                @Override
                public void loaded(ConfigSources.Loaded l) {
                    if (!l.config().equals(gw.config())) {
                        try {
                            gw.apply(l.config());
                        } catch (ConfigException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }

                @Override
                public void rejected(ConfigException problems) {
                    invalid.incrementAndGet();
                }
            });
            client.allocateOrFail();
            assertTrue(client.channelBind(0x4000, peer.address()).isSuccess());

            // A live edit: another worker prefix and a new password. The allocation and its channel survive.
            replace(file, manifests(port, "pass-2", "127.0.0.1/32, 127.0.0.2/32"));
            assertTrue(await(() -> !gw.config().equals(first), 8000), "the edit was not applied");
            assertEquals("pass-2", gw.config().auth().credential("password"));
            assertEquals(1, gw.allocationCount());
            client.sendChannelData(0x4000, new byte[] {1, 2, 3});
            assertNotNull(client.receive(2000), "relaying continues through the edit");

            // A broken edit: rejected whole, the running config keeps serving.
            StunnerConfig applied = gw.config();
            replace(file, manifests(70000, "pass-3", "127.0.0.1/32"));
            assertTrue(await(() -> invalid.get() >= 1, 8000), "the broken edit was not reported as invalid");
            assertEquals(applied, gw.config(), "a broken edit must not change the running config");
            client.sendChannelData(0x4000, new byte[] {4, 5, 6});
            assertNotNull(client.receive(2000), "the old config keeps serving");
            assertTrue(client.withCredentials("user-1", "pass-2").refresh(600).isSuccess());
        }
    }
}
