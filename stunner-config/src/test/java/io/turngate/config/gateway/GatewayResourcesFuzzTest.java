package io.turngate.config.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.render.GatewayRenderer;
import io.turngate.config.render.RenderResult;
import io.turngate.config.render.RenderedGateway;
import io.turngate.config.v1.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Coverage-guided fuzz target (Jazzer) for the Gateway API resource reader, {@link GatewayResources#parse}, and the
 * renderer it feeds. Corpus: {@code src/test/resources/io/turngate/config/gateway/GatewayResourcesFuzzTestInputs/
 * parse/} (the STUNner manifests and the CloudRetro example the suites carry, see {@code ConfigSeedCorpusTest}).
 *
 * <p>The contract: a resource set or a {@link ConfigException} with at least one problem, nothing else; rendering
 * an accepted set never throws ({@link GatewayRenderer#renderWithStatus}), and every config it renders is one the
 * stunnerd loader accepts unchanged.
 */
class GatewayResourcesFuzzTest {
    private static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.0.0.1");

    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        GatewayResources res;
        try {
            res = GatewayResources.parse(text, "fuzz.yaml");
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty(), "a ConfigException lists a problem");
            return;
        }
        assertNotNull(res.warnings(), "warnings");
        RenderResult r = new GatewayRenderer(ENV).renderWithStatus(res);
        assertNotNull(r.status(), "status");
        for (RenderedGateway g : r.gateways()) {
            try {
                assertEquals(g.config(), ConfigLoader.validate(g.config()), "validate(render(" + g.gatewayKey() + "))");
            } catch (ConfigException e) {
                throw new AssertionError("Gateway " + g.gatewayKey() + " renders a config the loader refuses: "
                        + e.getMessage(), e);
            }
        }
    }
}
