package io.turngate.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of counters written by ONE thread (the event loop that owns them) with plain stores, and read by any
 * thread with opaque loads (Aeron's counters): counting costs a plain increment on the hot path, no atomic
 * instruction and no contended cache line. A reader on another thread sees each counter's value as of some recent
 * moment, never a torn one (64-bit JVMs), and counters never go backwards.
 *
 * <p>Threading: {@link #increment} and {@link #add} only on the owning thread; {@link #get} anywhere.
 */
public final class LoopCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;

    public LoopCounters(int size) {
        this.values = new long[size];
    }

    /** Owner thread only. */
    public void increment(int index) {
        values[index]++;
    }

    /** Owner thread only. */
    public void add(int index, long n) {
        values[index] += n;
    }

    /** Any thread. */
    public long get(int index) {
        return (long) LONGS.getOpaque(values, index);
    }

    public int size() {
        return values.length;
    }
}
