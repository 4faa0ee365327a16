package io.turngate.config.k8s.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.turngate.config.render.RenderStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static io.turngate.config.k8s.status.MockCluster.GATEWAY;
import static io.turngate.config.k8s.status.StatusWriterTest.CLASS;
import static io.turngate.config.k8s.status.StatusWriterTest.CONFIG;
import static io.turngate.config.k8s.status.StatusWriterTest.GATEWAY_BAD;
import static io.turngate.config.k8s.status.StatusWriterTest.ROUTE;
import static io.turngate.config.k8s.status.StatusWriterTest.SERVICE;
import static io.turngate.config.k8s.status.StatusWriterTest.STATIC;
import static io.turngate.config.k8s.status.StatusWriterTest.WORLD;
import static io.turngate.config.k8s.status.StatusWriterTest.condition;
import static io.turngate.config.k8s.status.StatusWriterTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two replicas against one {@code kubernetes-server-mock} (CRUD mode): only the Lease holder writes. */
class KubernetesStatusPublisherTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    static KubernetesStatusPublisher.Options options(String identity) {
        return KubernetesStatusPublisher.Options.defaults("stunner", identity)
                .withTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static long count(List<StatusEvent> events, StatusEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    String programmedReason() {
        JsonNode cs = cluster.status(GATEWAY, "stunner", "udp-gateway").path("conditions");
        return cs.isArray() && cs.size() > 0 ? condition(cs, "Programmed").path("reason").asText() : "";
    }

    @Test
    @DisplayName("two replicas: only the leader writes; the other takes over, and writes its latest status, when the"
            + " leader closes")
    void onlyTheLeaderWrites() throws Exception {
        cluster.apply(WORLD);
        RenderStatus first = MockCluster.render(WORLD);
        String changed = yaml(CLASS, CONFIG, GATEWAY_BAD, SERVICE, ROUTE, STATIC);
        RenderStatus second = MockCluster.render(changed);
        List<StatusEvent> eventsA = new CopyOnWriteArrayList<>();
        List<StatusEvent> eventsB = new CopyOnWriteArrayList<>();
        try (KubernetesStatusPublisher a = new KubernetesStatusPublisher(cluster.client, options("pod-a"), eventsA::add);
             KubernetesStatusPublisher b = new KubernetesStatusPublisher(cluster.client, options("pod-b"),
                     eventsB::add)) {
            a.start();
            await("pod-a to lead", a::isLeader);
            b.start();
            a.publish(first);
            b.publish(first);
            assertTrue(a.awaitWritten(WAIT), "the leader writes");
            await("the status in the cluster", () -> "Programmed".equals(programmedReason()));
            assertEquals(3, count(eventsA, StatusEvent.Type.WRITTEN), eventsA.toString());

            // the follower keeps only the latest status; nothing of its own reaches the cluster
            b.publish(second);
            Thread.sleep(1000);
            assertFalse(b.isLeader());
            assertEquals(0, count(eventsB, StatusEvent.Type.WRITTEN), eventsB.toString());
            assertEquals("Programmed", programmedReason());
            assertTrue(eventsB.stream().anyMatch(e -> e.type() == StatusEvent.Type.NEW_LEADER
                    && "pod-a".equals(e.object())), eventsB.toString());

            // the leader publishing the same status again writes nothing
            a.publish(first);
            assertTrue(a.awaitWritten(WAIT));
            assertEquals(3, count(eventsA, StatusEvent.Type.WRITTEN));

            a.close();
            await("pod-b to take over", b::isLeader);
            await("pod-b's latest status in the cluster", () -> "AddressNotAssigned".equals(programmedReason()));
            // the event follows the write: the cluster may show the status a moment before it is reported
            await("pod-b's write reported", () -> count(eventsB, StatusEvent.Type.WRITTEN) >= 1);
            assertTrue(eventsB.stream().anyMatch(e -> e.type() == StatusEvent.Type.STARTED_LEADING));
        }
    }

    @Test
    @DisplayName("publish before start is kept and written once leading; options are checked")
    void publishBeforeStart() throws Exception {
        cluster.apply(WORLD);
        List<StatusEvent> events = new CopyOnWriteArrayList<>();
        try (KubernetesStatusPublisher p = new KubernetesStatusPublisher(cluster.client, options("pod-a"), events::add)) {
            p.publish(MockCluster.render(WORLD));
            assertFalse(p.awaitWritten(Duration.ofMillis(200)), "not leading, not written");
            p.start();
            await("the status in the cluster", () -> "Programmed".equals(programmedReason()));
            assertEquals("pod-a", p.identity());
        }
        assertThrows(IllegalArgumentException.class, () -> KubernetesStatusPublisher.Options.defaults("stunner", "x")
                .withTimings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100)));
        assertFalse(KubernetesStatusPublisher.defaultIdentity().isBlank());
    }
}
