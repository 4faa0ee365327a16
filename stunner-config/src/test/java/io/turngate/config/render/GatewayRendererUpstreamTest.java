package io.turngate.config.render;

import io.turngate.config.SharedFixtures;
import io.turngate.config.gateway.GatewayResources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@link GatewayRendererFixtureCases} on STUNner's own manifests, {@code ../shared/fixtures/stunner}, and the
 * check that the project's copies render exactly like them.
 */
@Tag(SharedFixtures.TAG)
class GatewayRendererUpstreamTest extends GatewayRendererFixtureCases {
    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void requireTheUpstreamFiles() {
        SharedFixtures.dir();
    }

    @Override
    Path stunnerFixtures() {
        return SharedFixtures.fixture("stunner");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cloudretro", "cloudretro+endpoints", "manifests/stunner-static-svc.yaml",
            "manifests/iperf-stunner.yaml"})
    void theProjectsCopyRendersLikeTheUpstreamFiles(String input) throws Exception {
        Path ours = new GatewayRendererTest().stunnerFixtures();
        Path upstream = stunnerFixtures();
        // what is read, object by object, is compared in GatewayResourcesUpstreamTest
        GatewayResources a = load(upstream, input);
        GatewayResources b = load(ours, input);
        List<RenderedGateway> ra = renderer.renderAll(a);
        List<RenderedGateway> rb = renderer.renderAll(b);
        assertEquals(ra.stream().map(RenderedGateway::gatewayKey).toList(),
                rb.stream().map(RenderedGateway::gatewayKey).toList());
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(ra.get(i).config(), rb.get(i).config(), ra.get(i).gatewayKey());
            assertEquals(ra.get(i).warnings(), rb.get(i).warnings(), ra.get(i).gatewayKey());
        }
    }

    private static GatewayResources load(Path root, String input) throws Exception {
        if (input.equals("cloudretro+endpoints")) {
            return GatewayResources.load(root.resolve("cloudretro"), resource("cloudretro-endpoints.yaml"));
        }
        return GatewayResources.load(root.resolve(input));
    }
}
