package io.turngate.log;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogLimiterTest {
    @Test
    void atMostNLinesASecondAndTheNextLineTellsHowManyWereSuppressed() {
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        LogLimiter l = new LogLimiter(3, clock::get);
        assertEquals(0, l.acquire());
        assertEquals(0, l.acquire());
        assertEquals(0, l.acquire());
        for (int i = 0; i < 1000; i++) {
            assertEquals(-1, l.acquire());
        }
        clock.addAndGet(999_000_000L);
        assertEquals(-1, l.acquire(), "still the same second");
        clock.addAndGet(1_000_000L);
        assertEquals(1001, l.acquire(), "a new second: the first line says what was dropped");
        assertEquals(0, l.acquire());
        assertEquals(" (1001 similar lines suppressed)", LogLimiter.suffix(1001));
        assertEquals(" (1 similar line suppressed)", LogLimiter.suffix(1));
        assertEquals("", LogLimiter.suffix(0));
    }

    @Test
    void sharedByThreadsItNeverPassesMoreThanItsBudget() throws Exception {
        LogLimiter l = new LogLimiter(50, () -> 42L); // a clock that stands still: one window only
        AtomicLong passed = new AtomicLong();
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (l.acquire() >= 0) {
                        passed.incrementAndGet();
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(50, passed.get());
    }
}
