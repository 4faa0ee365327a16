package io.turngate.server;

import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ClusterProtocol;
import io.turngate.config.v1.ClusterType;
import io.turngate.config.v1.StunnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.config;
import static io.turngate.server.TestGateways.staticAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A STRICT_DNS answer that changes while a config is being applied: the resolver's thread reports the change to
 * the gateway (which takes the gateway's lock) while the reconciling thread holds that lock and asks the resolver
 * for the new names. Before the fix each waited for the other's lock forever; now neither holds a lock while it
 * waits, so the apply finishes and the new answer is used.
 */
@Timeout(30)
class DnsLockOrderTest {
    private static final String NAME = "worker.test";

    @Test
    void aDnsChangeDuringAnApplyDoesNotDeadlock() throws Exception {
        AtomicReference<InetAddress> answer = new AtomicReference<>(InetAddress.getByName("127.0.0.3"));
        CountDownLatch resolverInLookup = new CountDownLatch(1);
        CountDownLatch releaseResolver = new CountDownLatch(1);
        AtomicReference<Boolean> blockResolver = new AtomicReference<>(false);
        DnsResolver.Lookup lookup = name -> {
            if (Thread.currentThread().getName().startsWith("turngate-dns") && blockResolver.get()) {
                resolverInLookup.countDown();
                try {
                    releaseResolver.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new InetAddress[] {answer.get()};
        };
        int port = TestGateways.freeUdpPort();
        ClusterConfig dnsCluster = new ClusterConfig("cluster-a", ClusterType.STRICT_DNS, ClusterProtocol.UDP, List.of(NAME));
        StunnerConfig first = config(staticAuth(), port, "127.0.0.1", List.of(dnsCluster));
        Gateway gw = Gateway.start(first, Gateway.Options.defaults(), lookup, 50);
        boolean deadlocked = false;
        try (TestTurnClient c = TestTurnClient.of(port, USER, PASS)) {
            c.allocateOrFail();
            assertTrue(c.createPermission(new InetSocketAddress("127.0.0.3", 9)).isSuccess(), "the first answer is routed");

            // The answer changes; the resolver's next refresh is caught inside its lookup.
            answer.set(InetAddress.getByName("127.0.0.4"));
            blockResolver.set(true);
            assertTrue(resolverInLookup.await(5, TimeUnit.SECONDS), "the resolver did not refresh");

            // Meanwhile a config change is applied (another cluster on the same listener's routes).
            StunnerConfig second = config(staticAuth(), port, "127.0.0.1", List.of(dnsCluster,
                    new ClusterConfig("cluster-b", ClusterType.STATIC, ClusterProtocol.UDP, List.of("127.0.0.5"))));
            CompletableFuture<Void> applied = CompletableFuture.runAsync(() -> {
                try {
                    gw.apply(second);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200); // let the apply run into the resolver, if it ever waits for it
            blockResolver.set(false);
            releaseResolver.countDown(); // the resolver reports its change to the gateway now
            try {
                applied.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                deadlocked = true; // the gateway's lock is held forever: closing it would hang this test too
                fail("the apply did not finish: the resolver and the reconciling thread wait for each other's lock");
            }
            assertEquals(second, gw.config());
            assertTrue(await(() -> c.createPermission(new InetSocketAddress("127.0.0.4", 9)).isSuccess(), 3000),
                    "the new DNS answer is routed");
            assertEquals(403, c.createPermission(new InetSocketAddress("127.0.0.3", 9)).errorCode(),
                    "the old answer is not");
        } finally {
            if (!deadlocked) {
                gw.close();
            }
        }
    }
}
