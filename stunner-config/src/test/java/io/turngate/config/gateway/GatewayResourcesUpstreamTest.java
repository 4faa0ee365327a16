package io.turngate.config.gateway;

import io.turngate.config.SharedFixtures;
import io.turngate.config.v1.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertIterableEquals;

/**
 * The {@link GatewayResourcesFixtureCases} on STUNner's own files, {@code ../shared/fixtures/stunner}, and the check
 * that the project's copies read to the same objects.
 */
@Tag(SharedFixtures.TAG)
class GatewayResourcesUpstreamTest extends GatewayResourcesFixtureCases {
    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void requireTheUpstreamFiles() {
        SharedFixtures.dir();
    }

    @Override
    Path stunnerFixtures() {
        return SharedFixtures.fixture("stunner");
    }

    /** Every object (with its origin: file and document number) and warning, the root replaced by {@code <root>}. */
    @ParameterizedTest
    @ValueSource(strings = {"cloudretro", "manifests/stunner-static-svc.yaml", "manifests/iperf-stunner.yaml"})
    void theProjectsCopyReadsLikeTheUpstreamFiles(String input) throws ConfigException {
        Path ours = new GatewayResourcesTest().stunnerFixtures();
        assertIterableEquals(describe(GatewayResources.load(stunnerFixtures().resolve(input)), stunnerFixtures()),
                describe(GatewayResources.load(ours.resolve(input)), ours));
    }

    private static List<String> describe(GatewayResources r, Path root) {
        List<String> out = new ArrayList<>();
        for (List<?> objects : List.of(r.gatewayClasses(), r.gatewayConfigs(), r.gateways(), r.udpRoutes(),
                r.staticServices(), r.services(), r.endpointSlices(), r.endpoints(), r.secrets(), r.namespaces(),
                r.dataplanes(), r.nodes(), r.warnings())) {
            for (Object o : objects) {
                out.add(o.toString().replace(root.toString(), "<root>"));
            }
        }
        out.add("size " + r.size());
        return out;
    }
}
