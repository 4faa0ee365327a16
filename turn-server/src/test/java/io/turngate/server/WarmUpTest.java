package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.turngate.admin.Readiness;

class WarmUpTest {
    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private static long loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("turngate-udp")).count();
    }

    @Test
    void relaysOverEveryDataPathUntilItsTargetAndClosesItsGateway() {
        long before = loopThreads();
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofSeconds(30), 20_000);
        assertTrue(r.stoppedBecause().contains("20000 datagrams reached"), r.toString());
        assertTrue(r.relayed() >= 20_000, r.toString());
        // Both client kinds had their echoes: ChannelData and Send indications out, ChannelData and Data
        // indications back, so all four data paths of the relay ran.
        assertTrue(r.channelDataEchoes() > 0, r.toString());
        assertTrue(r.dataIndicationEchoes() > 0, r.toString());
        assertEquals(r.relayed(), 2 * (r.channelDataEchoes() + r.dataIndicationEchoes()), r.toString());
        assertTrue(TestGateways.await(() -> loopThreads() <= before, 5000), "the private gateway's event loops stop");
    }

    @Test
    void onAHostsLoopsItLeavesTheLoopsRunningAndTheHostServing() throws Exception {
        try (Gateway host = Gateway.start(TestGateways.config(0, "127.0.0.1"))) {
            long before = loopThreads();
            WarmUp.Result r = WarmUp.run(host, Gateway.Options.defaults(), Duration.ofSeconds(30), 5_000,
                    WarmUp.Streams.NONE, false);
            assertTrue(r.relayed() >= 5_000, r.toString());
            assertEquals(before, loopThreads(), "no event loop of its own, none shut down");
            // every loop of the host still runs tasks: each listener socket answers the snapshot
            Gateway.AllocationSnapshot s = host.allocationSnapshot(5000).get();
            assertTrue(s.incomplete().isEmpty(), s.toString());
        }
    }

    @Test
    void runsWholeAllocationLivesAndPacedTrafficBesideTheBursts() {
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofSeconds(30), 20_000);
        // each life: Allocate (401, then signed), CreatePermission, ChannelBind on every other one, 4 datagrams,
        // Refresh with lifetime 0; a refusal or a lost answer on any step would be in stoppedBecause
        assertTrue(r.allocationLives() > 0, r.toString());
        assertTrue(!r.stoppedBecause().contains("failed"), r.toString());
        assertTrue(r.toString().contains("UDP allocation lives " + r.allocationLives()), r.toString());
        assertTrue(TestGateways.await(() -> threads("turngate-warm-up-") == 0, 5000),
                "the lives and the paced clients stop with the warm-up");
    }

    @Test
    void untilSettledEndsOnceTheCompilersAreQuietUnderPacedTraffic() {
        // a real JVM: the budget is far beyond what its compilers need to go quiet on this workload
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofSeconds(90), Long.MAX_VALUE,
                WarmUp.Streams.NONE, true);
        assertTrue(r.stoppedBecause().contains("the JIT compiler settled in paced phase"), r.toString());
        assertTrue(r.took().toMillis() >= WarmUp.SETTLE_MIN_MILLIS, r.toString());
    }

    @Test
    void aDrainWaitsWindowByWindowUntilOneIsQuiet() {
        long[] clock = {0};
        long[] compiled = {0};
        long[] perWindow = {30, 11, 10, 0}; // compile milliseconds in each window slept
        int[] slept = {0};
        WarmUp.JitWatch w = new WarmUp.JitWatch(() -> clock[0], () -> compiled[0], ms -> {
            compiled[0] += perWindow[Math.min(slept[0]++, perWindow.length - 1)];
            clock[0] += ms * 1_000_000L;
        });
        // 30 and 11 ms are busy windows, 10 ms (the limit) is quiet: three windows
        assertEquals(3, w.drain(Long.MAX_VALUE));
        // the next drain is quiet at once (0 ms): the JIT has settled
        assertEquals(1, w.drain(Long.MAX_VALUE));
        // a drain that reaches its end first says 0
        perWindow[3] = 50;
        assertEquals(0, w.drain(clock[0] + 3 * WarmUp.SETTLE_WINDOW_MILLIS * 1_000_000L));
        assertEquals(WarmUp.SETTLE_WINDOW_MILLIS * 1_000_000L * 7, clock[0], "one window slept per round");
        // a JVM that does not tell its compile time: one window, never settled
        assertEquals(0, new WarmUp.JitWatch(() -> clock[0], null, ms -> clock[0] += ms * 1_000_000L)
                .drain(Long.MAX_VALUE));
    }

    @Test
    void compilerTimeIsReadFromTheCompilerThreadsStatLines() {
        // proc(5): pid (comm) state ppid ... field 14 utime, 15 stime, in clock ticks
        String c2 = "4242 (C2 CompilerThre) S 4200 4200 1 0 -1 4194368 900 0 0 0 731 12 0 0 20 0 19 0 512 0 0";
        String loop = "4243 (turngate-udp-1) R 4200 4200 1 0 -1 4194368 900 0 0 0 9000 100 0 0 20 0 19 0 512 0 0";
        String odd = "4244 (a (b) c) S 4200 4200 1 0 -1 4194368 900 0 0 0 5 5 0 0 20 0 19 0 512 0 0";
        assertEquals(743, WarmUp.JitWatch.compilerTicks(c2));
        assertEquals(0, WarmUp.JitWatch.compilerTicks(loop));
        assertEquals(0, WarmUp.JitWatch.compilerTicks(odd));
        assertEquals(0, WarmUp.JitWatch.compilerTicks("garbage"));
        // this JVM (Linux): its compilers have run by now
        assertTrue(WarmUp.JitWatch.compilerThreadMillis() > 0);
    }

    @Test
    void drivesTcpAndTlsThroughWholeConnectionLivesWhenTheDaemonServesThem() {
        long before = loopThreads();
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofSeconds(60), 10_000,
                new WarmUp.Streams(true, true));
        // TCP and TLS each add the budget and the target once more: 3 x 10,000
        assertTrue(r.stoppedBecause().contains("30000 datagrams reached"), r.toString());
        // one long-lived connection per kind, and every 16th round one more per kind that connects, shakes hands,
        // allocates, relays a burst and closes
        assertTrue(r.streamConnections() > 4, r.toString());
        assertEquals(r.relayed(), 2 * (r.channelDataEchoes() + r.dataIndicationEchoes()), r.toString());
        assertTrue(r.toString().contains("TCP/TLS connections opened and closed " + r.streamConnections()),
                r.toString());
        assertTrue(TestGateways.await(() -> loopThreads() <= before, 5000), "the private gateway's event loops stop");
    }

    @Test
    void withoutStreamListenersNoConnectionIsMade() {
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofSeconds(30), 5_000);
        assertEquals(0, r.streamConnections(), r.toString());
        assertTrue(!r.toString().contains("TCP/TLS"), r.toString());
    }

    @Test
    void endsWhenItsTimeIsUp() {
        WarmUp.Result r = WarmUp.run(Gateway.Options.defaults(), Duration.ofMillis(300), Long.MAX_VALUE);
        assertTrue(r.stoppedBecause().contains("budget of 300 ms used"), r.toString());
    }

    @Test
    void readinessWaitsForTheWarmUpEvenWithAConfigApplied() {
        Readiness readiness = new Readiness(false);
        readiness.warmingUp();
        readiness.configApplied();
        assertEquals(Readiness.State.NOT_READY, readiness.state());
        assertTrue(!readiness.readyForProbes());
        readiness.warmedUp();
        assertEquals(Readiness.State.READY, readiness.state());
        assertTrue(readiness.readyForProbes());
    }
}
