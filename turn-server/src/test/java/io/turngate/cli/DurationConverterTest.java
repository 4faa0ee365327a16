package io.turngate.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationConverterTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"3600, 3600000", "90s, 90000", "10m, 600000", "1h30m, 5400000", "500ms, 500", "1h, 3600000",
        "2m30s, 150000", "0, 0"})
    void goStyleAndPlainSeconds(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DurationConverter.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "abc", "10x", "-5s", "1h 30m", "m", "1.5h"})
    void junkIsRefusedWithTheExpectedForm(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> DurationConverter.parse(text));
        assertTrue(e.getMessage().contains("expected: a duration"), e.getMessage());
    }
}
