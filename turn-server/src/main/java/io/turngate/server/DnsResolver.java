package io.turngate.server;

import io.turngate.log.Logs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Background resolution of STRICT_DNS cluster endpoints (stunner-compat §1a): every name is re-resolved
 * periodically on one daemon thread; when any result changes, {@code onChange} runs so the listeners' route
 * policies are recompiled. A peer is admitted when it equals one of the current addresses.
 */
final class DnsResolver implements AutoCloseable {
    static final long INTERVAL_SECONDS = 5;
    private static final Logger LOG = Logs.get("config");

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "turngate-dns");
        t.setDaemon(true);
        return t;
    });
    private final Runnable onChange;
    private volatile Set<String> names = Set.of();
    private volatile Map<String, Set<InetAddress>> resolved = Map.of();

    DnsResolver(Runnable onChange) {
        this.onChange = onChange;
        executor.scheduleWithFixedDelay(this::resolveAll, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    /** Sets the names to resolve and resolves them once, synchronously (called at reconcile time). */
    synchronized void setNames(Set<String> newNames) {
        names = Set.copyOf(newNames);
        resolveAll();
    }

    Map<String, Set<InetAddress>> resolved() {
        return resolved;
    }

    private synchronized void resolveAll() {
        Map<String, Set<InetAddress>> out = new HashMap<>();
        for (String name : names) {
            try {
                Set<InetAddress> addrs = new LinkedHashSet<>(Arrays.asList(InetAddress.getAllByName(name)));
                out.put(name, Set.copyOf(addrs));
            } catch (UnknownHostException e) {
                out.put(name, resolved.getOrDefault(name, Set.of()));
                LOG.debug("STRICT_DNS: cannot resolve {}: {}", name, e.getMessage());
            }
        }
        if (!out.equals(resolved)) {
            resolved = Map.copyOf(out);
            onChange.run();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
