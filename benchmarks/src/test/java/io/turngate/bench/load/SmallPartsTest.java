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

    @Test
    void timelineAndTheProbesSmallestSizeAreChecked() {
        LoadGenerator g = new LoadGenerator();
        new CommandLine(g).parseArgs("--payload", "31", "--timeline", "10ms", "--timeline-origin-ms", "-1");
        assertEquals(List.of("--payload: found 31 (expected: 32..1400)",
                "--timeline: found 0.010s (expected: 0, or at least 100ms and at most 600 windows in --duration)",
                "--timeline-origin-ms: found -1 (expected: 0 or a time in ms since the epoch)"), g.validate());

        LoadGenerator tooMany = new LoadGenerator();
        new CommandLine(tooMany).parseArgs("--timeline", "1s", "--duration", "601s");
        assertEquals(1, tooMany.validate().size(), tooMany.validate().toString());

        LoadGenerator ok = new LoadGenerator();
        new CommandLine(ok).parseArgs("--payload", "32", "--rate", "20000", "--duration", "30s", "--timeline", "1s",
                "--timeline-origin-ms", "1764612000000");
        assertEquals(List.of(), ok.validate());
    }

    @Test
    void transportTlsVersionsAndHoldAreChecked() {
        LoadGenerator g = new LoadGenerator();
        new CommandLine(g).parseArgs("--transport", "quic", "--tls-protocols", "TLSv1.3,SSLv3", "--hold", "5m");
        List<String> problems = g.validate();
        assertEquals(List.of("--transport: found \"quic\" (expected: udp, tcp or tls)",
                "--tls-protocols: found \"SSLv3\" (expected: TLSv1.3, TLSv1.2 or both)",
                "--hold: found 300.000s (expected: 0s..240s)"), problems);

        for (String t : List.of("udp", "tcp", "tls", "TCP")) {
            LoadGenerator ok = new LoadGenerator();
            new CommandLine(ok).parseArgs("--transport", t, "--hold", "240s", "--duration", "0");
            assertEquals(List.of(), ok.validate(), t);
            assertEquals(t.equalsIgnoreCase("udp") ? RunSettings.Transport.UDP : t.equalsIgnoreCase("tcp")
                    ? RunSettings.Transport.TCP : RunSettings.Transport.TLS, ok.transport());
        }
        LoadGenerator defaults = new LoadGenerator();
        new CommandLine(defaults).parseArgs();
        assertEquals(RunSettings.Transport.UDP, defaults.transport(), "UDP unless asked");
        assertEquals(List.of("TLSv1.3"), defaults.tlsProtocols, "TLS 1.3 unless asked");
    }

    @Test
    void streamFramesLeaveChannelDataPaddedAndBatchesFitOneTlsRecord() {
        RunSettings tcp = new RunSettings(new java.net.InetSocketAddress("127.0.0.1", 3478), "u", "p",
                RunSettings.Mode.CHANNEL, 101, 0, 8, 1, 100, 200, 500, 6, 0, false, RunSettings.Transport.TCP);
        RunSettings udp = new RunSettings(new java.net.InetSocketAddress("127.0.0.1", 3478), "u", "p",
                RunSettings.Mode.CHANNEL, 101, 0, 8, 1, 100, 200, 500, 6, 0, false, RunSettings.Transport.UDP);
        assertEquals(108, tcp.clientFrameLength(false));
        assertEquals(105, udp.clientFrameLength(false));
        int frame = tcp.clientFrameLength(false);
        assertTrue(ClientAllocation.streamBatch(frame) * frame <= 16_384, "one TLS record of plaintext at most");
        assertEquals(1, ClientAllocation.streamBatch(20_000));
    }
}
