package io.turngate.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check the fuzz targets rely on fails on a leak, and only then. */
class RecordingLeakDetectorTest {
    @Test
    void aBufferDroppedWithoutReleaseFailsTheCheckAndAReleasedOneDoesNot() {
        RecordingLeakDetector.assertInstalled();
        RecordingLeakDetector.assertNoLeakReported(); // whatever an earlier test left behind is not ours

        PooledByteBufAllocator.DEFAULT.directBuffer(16).writeInt(1).release();
        RecordingLeakDetector.assertNoLeakReported();

        leakOne();
        AssertionError e = assertThrows(AssertionError.class, RecordingLeakDetector::assertNoLeakReported);
        assertTrue(e.getMessage().contains("LEAK: ByteBuf.release() was not called"), e.getMessage());
        assertTrue(e.getMessage().contains("leakOne"), "the report names where the buffer was allocated: "
                + e.getMessage());
        RecordingLeakDetector.assertNoLeakReported(); // reported once, then forgotten
    }

    /** Allocates a buffer, touches it and drops it on the floor (deliberately: this is the leak). */
    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42);
    }
}
