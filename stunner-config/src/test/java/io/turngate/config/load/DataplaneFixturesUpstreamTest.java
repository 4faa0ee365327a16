package io.turngate.config.load;

import io.turngate.config.SharedFixtures;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@link DataplaneFixturesTest} cases on STUNner's own stunnerd configs, {@code ../shared/fixtures/stunner/
 * dataplane-configs}, and the check that the project's copies load to the same configs as the upstream files.
 */
@Tag(SharedFixtures.TAG)
class DataplaneFixturesUpstreamTest extends DataplaneFixturesTest {
    /** The environment of a stunnerd pod, to compare the copies with placeholders expanded too. */
    private static final Map<String, String> POD_ENV = Map.of("STUNNER_ADDR", "10.244.1.7", "STUNNER_PORT", "3478",
            "STUNNER_LOGLEVEL", "all:DEBUG", "STUNNER_AUTH_TYPE", "ephemeral", "STUNNER_REALM", "example.org",
            "STUNNER_USERNAME", "u", "STUNNER_PASSWORD", "p", "STUNNER_SHARED_SECRET", "s");

    /** Per test, so that a missing {@code ../shared} shows as skipped (or failed) tests in the report. */
    @BeforeEach
    void requireTheUpstreamFiles() {
        SharedFixtures.dir();
    }

    @Override
    Path dir() {
        return SharedFixtures.fixture("stunner", "dataplane-configs");
    }

    @Test
    void upstreamHasExactlyTheFilesTheProjectHasCopiesOf() throws Exception {
        assertEquals(fileNames(ownDir()), fileNames(dir()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theProjectsCopyLoadsLikeTheUpstreamFile(String name) throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), POD_ENV)) {
            StunnerConfig upstream = ConfigLoader.load(dir().resolve(name), env);
            StunnerConfig ours = ConfigLoader.load(ownDir().resolve(name), env);
            assertEquals(upstream, ours, name + " with " + env);
            assertEquals(ConfigLoader.warnings(upstream), ConfigLoader.warnings(ours), name + " with " + env);
        }
    }
}
