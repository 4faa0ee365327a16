package io.turngate.config.load;

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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSourcesTest {
    private static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.244.0.5");

    private static Path fixtures() {
        return Path.of(System.getProperty("turngate.shared", "../../shared"), "fixtures", "stunner");
    }

    @Test
    void directoryOfManifestsIsRenderedAsTheOnlyGateway() throws ConfigException {
        ConfigSources.Loaded l = ConfigSources.load(fixtures().resolve("cloudretro"), ENV, null);
        assertEquals(ConfigSources.GATEWAY, l.sourceKind());
        assertEquals("stunner/udp-gateway", l.config().admin().name());
        assertEquals("10.244.0.5", l.config().listeners().get(0).address());
        assertEquals(ClusterType.STRICT_DNS, l.config().clusters().get(0).type());
        assertTrue(l.warnings().stream().anyMatch(w -> w.contains("rendered as STRICT_DNS")), l.warnings().toString());
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
    void severalGatewaysNeedASelector() throws ConfigException {
        Path file = fixtures().resolve("manifests/stunner-static-svc.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSources.load(file, ENV, null));
        assertEquals(List.of("2 Gateways render (expected: select one as namespace/name: stunner/tcp-gateway,"
                + " stunner/udp-gateway)"), e.problems());

        ConfigSources.Loaded udp = ConfigSources.load(file, ENV, "stunner/udp-gateway");
        assertEquals("stunner/udp-gateway", udp.config().admin().name());
        assertEquals(List.of("0.0.0.0/0"), udp.config().cluster("stunner/open-route").orElseThrow().endpoints());
        ConfigSources.Loaded tcp = ConfigSources.load(file, ENV, "tcp-gateway");
        assertEquals("stunner/tcp-gateway", tcp.config().admin().name(), "a bare name selects when unique");

        ConfigException nope = assertThrows(ConfigException.class, () -> ConfigSources.load(file, ENV, "stunner/nope"));
        assertEquals(List.of("gateway \"stunner/nope\": not found among the Gateways that render (expected: one of"
                + " stunner/tcp-gateway, stunner/udp-gateway)"), nope.problems());
    }

    @Test
    void stunnerdConfigsGoToTheConfigLoader() throws ConfigException {
        Path conf = fixtures().resolve("dataplane-configs/stunner-iperf-test.conf");
        ConfigSources.Loaded l = ConfigSources.load(conf, ENV, "stunner/udp-gateway");
        assertEquals(ConfigSources.STUNNERD, l.sourceKind());
        assertEquals(ConfigLoader.load(conf, ENV), l.config());
        assertEquals("gateway selector \"stunner/udp-gateway\" ignored: " + conf + " is a stunnerd config, not Gateway"
                + " API manifests", l.warnings().get(0));

        Path wrapped = fixtures().resolve("dataplane-configs/sample-stunnerd-config.yaml");
        ConfigSources.Loaded cm = ConfigSources.load(wrapped, ENV, null);
        assertEquals(ConfigSources.STUNNERD, cm.sourceKind(), "a ConfigMap wrapping stunnerd.conf");
        assertEquals(4, cm.config().listeners().size());
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
