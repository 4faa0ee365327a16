package io.turngate.config.load;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target (Jazzer) for the stunnerd config loader, {@link ConfigLoader#parse}: YAML, JSON and
 * ConfigMap-wrapped text, with {@code $VAR} expansion from a fixed environment. Corpus:
 * {@code src/test/resources/io/turngate/config/load/ConfigLoaderFuzzTestInputs/parse/} (the STUNner samples and
 * golden configs the suites carry, see {@code ConfigSeedCorpusTest}).
 *
 * <p>The contract: a config or a {@link ConfigException} listing at least one problem, nothing else; an accepted
 * config is normalised, so validating it again gives an equal config, and it prints (JSON, masked JSON, warnings)
 * without failing.
 */
class ConfigLoaderFuzzTest {
    /** What stunnerd's pod would have: the operator's placeholders resolve. */
    static final Map<String, String> ENV = Map.of(
            "STUNNER_ADDR", "10.0.0.1",
            "STUNNER_PORT", "3478",
            "STUNNER_PUBLIC_ADDR", "203.0.113.10",
            "STUNNER_USERNAME", "user-1",
            "STUNNER_PASSWORD", "pass-$1",
            "STUNNER_REALM", "stunner.l7mp.io",
            "STUNNER_LOGLEVEL", "all:INFO");

    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        StunnerConfig config;
        try {
            config = ConfigLoader.parse(text, ENV);
        } catch (ConfigException e) {
            assertProblems(e);
            return;
        }
        assertAcceptedConfig(config);
    }

    /** Normalised (a fixed point of {@link ConfigLoader#validate}) and printable. */
    static void assertAcceptedConfig(StunnerConfig config) {
        assertNotNull(config, "config");
        StunnerConfig again;
        try {
            again = ConfigLoader.validate(config);
        } catch (ConfigException e) {
            throw new AssertionError("an accepted config does not validate again: " + e.getMessage() + "\n"
                    + ConfigJson.writePretty(config), e);
        }
        assertEquals(config, again, "validate(parse(text))");
        assertNotNull(ConfigJson.writeMasked(config), "masked JSON");
        assertNotNull(ConfigLoader.warnings(config), "warnings");
    }

    /** At least one problem, none blank. */
    static void assertProblems(ConfigException e) {
        assertFalse(e.problems().isEmpty(), "a ConfigException lists a problem");
        for (String p : e.problems()) {
            assertTrue(p != null && !p.isBlank(), () -> "blank problem in " + e.problems());
        }
    }
}
