package io.turngate.server;

import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.TestTurnClient.Response;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.turn.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.turngate.server.TestGateways.LISTENER;
import static io.turngate.server.TestGateways.PASS;
import static io.turngate.server.TestGateways.USER;
import static io.turngate.server.TestGateways.await;
import static io.turngate.server.TestGateways.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse limits: a flood of unauthenticated requests from one address is answered at a bounded rate while other
 * addresses are unaffected; allocation caps answer 508; the user quota 486.
 */
class AbuseLimitsTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        open.add(t);
        return t;
    }

    @Test
    void aFloodOfUnauthenticatedAllocatesFromOneAddressIsAnsweredAtTheBoundedRate() throws Exception {
        double rate = 50;
        double burst = 100;
        int port = TestGateways.freeUdpPort();
        Gateway gw = track(Gateway.start(config(port, "127.0.0.1"),
                Gateway.Options.defaults().withUnauthenticatedLimit(rate, burst)));
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        byte[] allocate = TestTurnClient.encode(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST,
                TransactionId.random(), new RequestedTransport(17)), null, false);

        DatagramSocket flooder = track(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
        flooder.setReceiveBufferSize(4 << 20);
        flooder.setSoTimeout(50);
        AtomicLong answers = new AtomicLong();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                try {
                    flooder.receive(p);
                    answers.incrementAndGet();
                } catch (SocketTimeoutException e) {
                    // keep reading until the end
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "flood-answers");
        reader.start();

        int sent = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
        TestTurnClient bystander = track(new TestTurnClient(new InetSocketAddress("127.0.0.2", 0), server, USER, PASS));
        java.util.concurrent.atomic.AtomicReference<Response> bystanderAnswer = new java.util.concurrent.atomic.AtomicReference<>();
        Thread bystanderAsk = new Thread(() -> {
            // A STUN client retransmits a request that got no answer (RFC 8489 §6.2.1); on a loaded machine the
            // kernel may drop a datagram of a socket flooded this hard, whatever the limiter does.
            for (int attempt = 0; attempt < 4 && bystanderAnswer.get() == null; attempt++) {
                try {
                    bystanderAnswer.set(bystander.challenge());
                } catch (AssertionError noAnswer) {
                    // retransmit
                }
            }
        }, "bystander");
        while (sent < 50_000 && System.nanoTime() < deadline) {
            flooder.send(new DatagramPacket(allocate, allocate.length, server));
            sent++;
            if (sent == 25_000) { // in the middle of the flood another address asks for its challenge
                bystanderAsk.start();
            }
            if (sent % 100 == 0) { // paced at 10,000 per second: 50,000 in 5 s, the flood of the issue
                long due = t0 + sent * 100_000L;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
            }
        }
        long floodNanos = System.nanoTime() - t0;
        bystanderAsk.join(10_000);
        Response bystanderChallenge = bystanderAnswer.get();
        // Wait until the gateway has read what it got (the kernel may drop part of a flood): its rx count is still.
        long rx = -1;
        for (int i = 0; i < 30 && rx != gw.stats(LISTENER).rxPackets(); i++) {
            rx = gw.stats(LISTENER).rxPackets();
            Thread.sleep(100);
        }
        long elapsed = System.nanoTime() - t0; // the last request was read by now: no token counts after it
        Thread.sleep(300); // the last answers in flight
        reader.interrupt();
        reader.join();
        double bound = burst + rate * elapsed / 1e9 + 1;
        long answered = answers.get();
        System.out.printf("AbuseLimitsTest: %d unauthenticated Allocates from one address in %.2f s: %d answered"
                        + " (bound %.0f = burst %.0f + %.0f/s x %.2f s), %d rate-limited%n", sent, floodNanos / 1e9,
                answered, bound, burst, rate, elapsed / 1e9, gw.counter(Counter.RATE_LIMITED_ANSWERS));
        assertTrue(sent >= 20_000, "the flood sent only " + sent);
        assertTrue(answered <= bound, answered + " answers (expected: at most " + bound + ")");
        assertTrue(answered >= burst, answered + " answers (expected: at least the burst, " + burst + ")");
        assertEquals(gw.stats(LISTENER).rxPackets() - 1 - answered, gw.counter(Counter.RATE_LIMITED_ANSWERS),
                "every datagram not answered is counted");
        assertTrue(bystanderChallenge != null && bystanderChallenge.errorCode() == 401,
                "the other address got its 401 during the flood: " + bystanderChallenge);
        assertTrue(bystander.allocate().isSuccess(), "and allocates");
    }

    @Test
    void theAllocationCapsAnswer508AndTheUserQuota486() throws Exception {
        int port = TestGateways.freeUdpPort();
        StunnerConfig base = config(port, "127.0.0.1");
        Gateway gw = track(Gateway.start(base, Gateway.Options.defaults().withMaxAllocations(2, 0)));
        TestTurnClient a = track(TestTurnClient.of(port, USER, PASS));
        TestTurnClient b = track(TestTurnClient.of(port, USER, PASS));
        TestTurnClient c = track(TestTurnClient.of(port, USER, PASS));
        assertTrue(a.allocate().isSuccess());
        assertTrue(b.allocate().isSuccess());
        assertEquals(508, c.allocate().errorCode(), "--max-allocations 2");
        assertEquals(1, gw.refusals(Refusal.ALLOCATION_LIMIT));
        assertTrue(a.refresh(0).isSuccess());
        assertTrue(await(() -> gw.allocationCount() == 1, 2000));
        assertTrue(c.allocate().isSuccess(), "room again once an allocation is gone");

        // Per listener, and admin.user_quota (486) under it.
        int port2 = TestGateways.freeUdpPort();
        StunnerConfig quota = new StunnerConfig(base.version(), new AdminConfig("q", "all:INFO", "", "", 1, "None",
                List.of()), base.auth(), config(port2, "127.0.0.1").listeners(), base.clusters());
        Gateway gw2 = track(Gateway.start(quota, Gateway.Options.defaults().withMaxAllocations(0, 1)));
        TestTurnClient d = track(TestTurnClient.of(port2, USER, PASS));
        TestTurnClient e = track(TestTurnClient.of(port2, USER, PASS));
        assertTrue(d.allocate().isSuccess());
        assertEquals(508, e.allocate().errorCode(), "--max-allocations-per-listener 1 comes first");
        gw2.close();
        Gateway gw3 = track(Gateway.start(quota, Gateway.Options.defaults()));
        TestTurnClient f = track(TestTurnClient.of(port2, USER, PASS));
        TestTurnClient g = track(TestTurnClient.of(port2, USER, PASS));
        assertTrue(f.allocate().isSuccess());
        assertEquals(486, g.allocate().errorCode(), "user_quota 1");
        assertEquals(1, gw3.refusals(Refusal.QUOTA_REACHED));
    }

    @Test
    void theNonceLifetimeIsAnOption() throws Exception {
        int port = TestGateways.freeUdpPort();
        AtomicLong wall = new AtomicLong(System.currentTimeMillis());
        track(Gateway.start(config(port, "127.0.0.1"), Gateway.Options.defaults().withNonceLifetimeMillis(2000)
                .withClocks(System::nanoTime, wall::get)));
        TestTurnClient c = track(TestTurnClient.of(port, USER, PASS));
        assertTrue(c.allocate().isSuccess());
        wall.addAndGet(1500);
        List<io.turngate.stun.attr.StunAttribute> refresh = List.of(new io.turngate.stun.attr.Lifetime(600));
        assertTrue(c.authenticated(StunMethod.REFRESH, TransactionId.random(), refresh).isSuccess(),
                "the nonce is still valid after 1.5 s");
        wall.addAndGet(1000);
        assertEquals(438, c.authenticated(StunMethod.REFRESH, TransactionId.random(), refresh).errorCode(),
                "--nonce-lifetime 2s: stale after 2.5 s");
        assertTrue(c.request(StunMethod.REFRESH, refresh).isSuccess(), "the client re-authenticates with a fresh nonce");
    }
}
