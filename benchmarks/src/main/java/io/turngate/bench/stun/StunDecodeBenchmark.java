package io.turngate.bench.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunHeader;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STUN decoding (RFC 8489 §5, §14): {@link StunCodec#decode} of a whole message into a {@code StunMessage} record
 * with FINGERPRINT verified (the control path), and the allocation-free header peek {@link StunHeader#isStun} that
 * the data path does instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunDecodeBenchmark {
    /** {@code binding}: Binding request (36 B); {@code allocate}: authenticated Allocate (148 B). */
    @Param({"binding", "allocate"})
    public String message;

    private ByteBuf buf;

    @Setup
    public void setUp() {
        byte[] bytes = "binding".equals(message)
                ? StunMessages.encode(StunMessages.bindingRequest(), null)
                : StunMessages.encode(StunMessages.authenticatedAllocate(), StunMessages.key());
        buf = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public ReceivedStun decode() throws StunCodecException {
        return StunCodec.decode(buf);
    }

    @Benchmark
    public boolean peekHeader() {
        return StunHeader.isStun(buf, buf.readerIndex(), buf.readableBytes())
                && StunHeader.messageType(buf, buf.readerIndex()) != 0;
    }
}
