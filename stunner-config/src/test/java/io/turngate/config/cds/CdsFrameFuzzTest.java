package io.turngate.config.cds;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.turngate.config.load.ConfigSources;
import io.turngate.config.v1.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target (Jazzer) for what the config discovery client does with one pushed TEXT frame
 * ({@link CdsConfigSource#readFrame}) and with the body of an error answer ({@link CdsConfigSource#errorMessage}).
 * Corpus: {@code src/test/resources/io/turngate/config/cds/CdsFrameFuzzTestInputs/frame/} (zero configs and the
 * JSON configs the suites carry, see {@code ConfigSeedCorpusTest}).
 *
 * <p>The contract: a frame is a config, a zero config ({@code null}) or a {@link ConfigException} whose every
 * problem names where the frame came from; nothing else escapes, since the watch delivers frames on its own thread
 * and anything else would silently drop the frame instead of reporting it. Any text also gives an error message
 * (the server's {@code message}, or the text itself, trimmed), never an exception.
 */
class CdsFrameFuzzTest {
    private static final String WHERE = "config from ws://127.0.0.1:13478/api/v1/configs/stunner/udp-gateway";
    private static final Map<String, String> ENV = Map.of("STUNNER_ADDR", "10.0.0.1", "STUNNER_PORT", "3478");

    @FuzzTest(maxDuration = "20s")
    void frame(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            ConfigSources.Loaded loaded = CdsConfigSource.readFrame(text, WHERE, ENV);
            if (loaded != null) {
                assertFalse(ZeroConfig.isZero(loaded.config()), "a zero config is reported as null");
                assertNotNull(loaded.warnings(), "warnings");
            }
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty(), "a ConfigException lists a problem");
            for (String p : e.problems()) {
                assertTrue(p.startsWith(WHERE + ": "), () -> "problem names the frame's origin: " + p);
            }
        }
        assertNotNull(CdsConfigSource.errorMessage(text), "errorMessage");
    }
}
