package io.turngate.bench.relay;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH worker threads that are Netty {@code FastThreadLocalThread}s, like turngate's event loop threads. Netty 4.2
 * recycles pooled buffer and slice objects only on such threads, so on a plain JMH thread every
 * {@code retainedSlice} and pooled {@code directBuffer} would show up as garbage that the gateway never makes.
 * Selected with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.turngate.bench.relay.EventLoopThreads} (JMH calls
 * the {@code (int, String)} constructor).
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
