package io.turngate.config.load;

import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConfigSources} on STUNner's example files under {@link #fixtures()}: the project's own copies
 * ({@link ConfigSourcesTest}) or the upstream files in {@code ../shared} ({@link ConfigSourcesUpstreamTest}).
 */
abstract class ConfigSourcesFixtureCases {
    static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.244.0.5");

    /** A tree laid out like {@code fixtures/stunner} with cloudretro/, manifests/ and dataplane-configs/. */
    abstract Path fixtures();

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
}
