package io.turngate.config.load;

import io.turngate.config.Samples;
import io.turngate.config.render.RenderOptions;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSourcesTest extends ConfigSourcesFixtureCases {
    @Override
    Path fixtures() {
        return Samples.stunner();
    }

    @Test
    void manifestsRenderWithTheGivenOperatorSwitches(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: c}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: cfg, namespace: stunner}
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: cfg, namespace: stunner}
                spec: {userName: u, password: p}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: stunner}
                spec:
                  gatewayClassName: c
                  listeners: [{name: udp, port: 3478, protocol: TURN-UDP}]
                ---
                apiVersion: stunner.l7mp.io/v1
                kind: UDPRoute
                metadata: {name: r, namespace: stunner}
                spec:
                  parentRefs: [{name: gw}]
                  rules: [{backendRefs: [{name: media, namespace: media}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: media, namespace: media}
                spec: {clusterIP: 10.96.0.9}
                """, StandardCharsets.UTF_8);
        assertEquals(List.of("10.96.0.9"), ConfigSources.load(file, ENV, null).config().clusters().get(0).endpoints());
        ConfigSources.Loaded l = ConfigSources.load(file, ENV, null, RenderOptions.DEFAULT.withEndpointDiscovery(false));
        assertEquals(ClusterType.STRICT_DNS, l.config().clusters().get(0).type());
        assertEquals(List.of("media.media.svc.cluster.local"), l.config().clusters().get(0).endpoints());
    }

    @Test
    void unrecognisedOrMissingInputIsAProblem(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.yaml");
        Files.writeString(junk, "hello: world\n", StandardCharsets.UTF_8);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSources.load(junk, ENV, null));
        assertEquals(List.of(junk + ": neither a stunnerd config (top-level version) nor Gateway API manifests (expected:"
                + " YAML/JSON with version: v1, or documents with apiVersion and kind)"), e.problems());

        Path missing = dir.resolve("missing.yaml");
        ConfigException m = assertThrows(ConfigException.class, () -> ConfigSources.load(missing, ENV, null));
        assertEquals(List.of(missing + ": no such file or directory (expected: a stunnerd config, a manifest file or a"
                + " directory of manifests)"), m.problems());

        Path services = dir.resolve("svc.yaml");
        Files.writeString(services, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", StandardCharsets.UTF_8);
        ConfigException n = assertThrows(ConfigException.class, () -> ConfigSources.load(services, ENV, null));
        assertEquals(List.of("no Gateway to render (expected: a Gateway whose GatewayClass has controllerName"
                + " stunner.l7mp.io/gateway-operator and a parametersRef to a GatewayConfig)"), n.problems());
    }

    @Test
    void invalidStunnerdConfigNamesTheFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("stunnerd.conf");
        Files.writeString(bad, "version: v1\nadmin: {name: x}\nauth: {type: static, credentials: {username: u,"
                + " password: p}}\nlisteners: [{name: l, port: 70000}]\n", StandardCharsets.UTF_8);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSources.load(bad, ENV, null));
        assertTrue(e.problems().get(0).startsWith(bad + ": listeners[0].port"), e.problems().toString());
    }
}
