package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.turngate.admin.Readiness;

class WarmUpTest {
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
