package io.turngate.bench.load;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallPartsTest {

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofNanos(100_000), Durations.parse("100us"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("-1s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("soon"));
    }

    @Test
    void procStatLineWithSpacesInTheCommandName() {
        String stat = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 1 0 0";
        assertEquals((250 + 75) * 10_000_000L, ProcStats.cpuNanosFromStat(stat));
    }

    @Test
    void ownProcessIsReadableOnLinux() {
        if (!ProcStats.alive(0)) {
            System.err.println("SmallPartsTest: no /proc here; skipping the live /proc check");
            return;
        }
        assertTrue(ProcStats.cpuNanos(0) > 0);
        assertTrue(ProcStats.rssKb(0) > 1000);
        assertTrue(ProcStats.threads(0) >= 1);
        assertEquals(-1, ProcStats.rssKb(Integer.MAX_VALUE - 1), "no such process");
    }

    @Test
    void optionsOutsideTheirRangesAreListed() {
        LoadGenerator g = new LoadGenerator();
        new CommandLine(g).parseArgs("--allocations", "10001", "--payload", "10", "--mode", "tcp",
                "--server", "127.0.0.1");
        List<String> problems = g.validate();
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("--allocations: found 10001 (expected: 1..10000)"), problems.get(0));

        LoadGenerator ok = new LoadGenerator();
        new CommandLine(ok).parseArgs("--allocations", "100", "--payload", "1200", "--rate", "20000");
        assertEquals(List.of(), ok.validate());
    }
}
