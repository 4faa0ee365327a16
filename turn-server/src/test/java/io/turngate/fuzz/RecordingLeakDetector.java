package io.turngate.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Netty's leak detector with a memory: every leak it reports is logged as usual and also kept, so that a test can
 * fail on it. Installed for the whole turn-server test JVM by surefire
 * ({@code -Dio.netty.customResourceLeakDetector=io.turngate.fuzz.RecordingLeakDetector}, read by Netty's
 * {@code ResourceLeakDetectorFactory} before the first buffer is allocated); the fuzz targets check it in
 * {@code @AfterAll} with {@link #assertNoLeakReported()}.
 *
 * <p>Netty reports a leak only after the garbage collector has found a tracked buffer that was never released, and
 * only when a later allocation polls the reference queue; {@link #assertNoLeakReported()} forces both. The targets
 * also check {@code refCnt()} of every buffer they touch, which fails on the input that leaked, at once.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean TRACKS_BYTE_BUFS = new AtomicBoolean();

    /**
     * The constructor {@code ResourceLeakDetectorFactory} looks up first (without it, it logs an error and falls
     * back to {@link #RecordingLeakDetector(Class, int)}).
     */
    @SuppressWarnings("deprecation")
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
        noteTracking(resourceType);
    }

    /** The constructor of Netty's non-deprecated custom-detector contract. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        noteTracking(resourceType);
    }

    private static void noteTracking(Class<?> resourceType) {
        if (resourceType == ByteBuf.class) {
            TRACKS_BYTE_BUFS.set(true);
        }
    }

    @Override
    protected boolean needReport() {
        return true; // record even when the logger would not print
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected.");
        super.reportUntracedLeak(resourceType);
    }

    /**
     * Fails unless Netty tracks {@code ByteBuf}s with this detector at paranoid level: without it a leak check
     * would pass vacuously.
     */
    public static void assertInstalled() {
        ByteBufAllocator.DEFAULT.buffer(1).release(); // makes sure the buffer classes, and so the detector, exist
        if (!TRACKS_BYTE_BUFS.get()) {
            throw new AssertionError("Netty's ByteBuf leak detector is not " + RecordingLeakDetector.class.getName()
                    + " (expected: -Dio.netty.customResourceLeakDetector=" + RecordingLeakDetector.class.getName()
                    + ", set by turn-server's surefire configuration)");
        }
        if (getLevel() != Level.PARANOID) {
            throw new AssertionError("leak detection level: found " + getLevel() + " (expected: PARANOID, set by "
                    + "-Dio.netty.leakDetection.level=paranoid in surefire's argLine)");
        }
    }

    /**
     * Collects garbage until Netty has had the chance to report every unreleased buffer that is no longer
     * reachable, then fails if it reported any (since the JVM started, or since the last call).
     */
    public static void assertNoLeakReported() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Each tracked allocation drains the detector's reference queue and reports what it finds.
            for (int j = 0; j < 16; j++) {
                ByteBufAllocator.DEFAULT.buffer(8).release();
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        List<String> reports = new ArrayList<>(REPORTS);
        REPORTS.clear();
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " leak report(s) from Netty (expected: none):\n"
                    + String.join("\n", reports));
        }
    }
}
