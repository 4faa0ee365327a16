package io.turngate.bench.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STUN encoding (RFC 8489 §5, §14) of the responses turngate sends most: the 401 challenge (no MESSAGE-INTEGRITY)
 * and the Allocate success response with MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (§14.7).
 * Each operation encodes into the same pooled direct buffer (cleared), as a Netty handler does with a pooled
 * {@code ioBuffer}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunEncodeBenchmark {
    private final StunMessage unauthorized = StunMessages.unauthorized();
    private final StunMessage allocateSuccess = StunMessages.allocateSuccess();
    private final byte[] key = StunMessages.key();
    private ByteBuf out;

    @Setup
    public void setUp() {
        out = PooledByteBufAllocator.DEFAULT.directBuffer(512);
    }

    @TearDown
    public void tearDown() {
        out.release();
    }

    @Benchmark
    public int unauthorized401() {
        out.clear();
        StunCodec.encode(unauthorized, out, null, true);
        return out.writerIndex();
    }

    @Benchmark
    public int allocateSuccessWithIntegrity() {
        out.clear();
        StunCodec.encode(allocateSuccess, out, key, true);
        return out.writerIndex();
    }
}
