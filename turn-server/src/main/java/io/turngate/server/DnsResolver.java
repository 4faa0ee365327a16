package io.turngate.server;

import io.turngate.log.Logs;
import org.slf4j.Logger;

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

/**
 * Background resolution of STRICT_DNS cluster endpoints (stunner-compat §1a): every name is re-resolved
 * periodically on one daemon thread (through {@link NettyDnsLookup}, which honours the records' TTLs); when any result changes, {@code onChange} runs so the listeners' route
 * policies are recompiled. A peer is admitted when it equals one of the current addresses.
 *
 * <p>Lock order: this object's monitor guards only its two fields and is never held while looking a name up or
 * while calling {@code onChange}, so a caller holding its own lock (the gateway reconciling) and the resolver's
 * thread (reporting a change to that gateway) can never wait for each other.
 */
final class DnsResolver implements AutoCloseable {
    /**
     * How often every name is looked up again. With {@link NettyDnsLookup} most lookups are answered from its TTL
     * cache, so an answer that changes is seen within its TTL plus this.
     */
    static final long INTERVAL_MILLIS = 1000;
    private static final Logger LOG = Logs.get("config");

    /** Looks a name up; {@link InetAddress#getAllByName} in production, a stub in tests. */
    interface Lookup {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "turngate-dns");
        t.setDaemon(true);
        return t;
    });
    private final Runnable onChange;
    private final Lookup lookup;
    /** The names to resolve; a new set gets a new generation, so a late answer for the old set is dropped. */
    private Set<String> names = Set.of();
    private long generation;
    private volatile Map<String, Set<InetAddress>> resolved = Map.of();

    DnsResolver(Runnable onChange, Lookup lookup, long intervalMillis) {
        this.onChange = onChange;
        this.lookup = lookup;
        executor.scheduleWithFixedDelay(this::refresh, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Sets the names to resolve and resolves them now, on the calling thread (call it without holding a lock that
     * {@code onChange} needs). Does not run {@code onChange}: the caller uses the result it gets.
     */
    Map<String, Set<InetAddress>> resolve(Set<String> newNames) {
        long gen;
        synchronized (this) {
            names = Set.copyOf(newNames);
            gen = ++generation;
        }
        Map<String, Set<InetAddress>> out = lookupAll(Set.copyOf(newNames));
        synchronized (this) {
            if (gen == generation) {
                resolved = out;
            }
        }
        return out;
    }

    /** Sets the names to resolve from now on without resolving them (the next refresh does). Never blocks. */
    synchronized void setNames(Set<String> newNames) {
        names = Set.copyOf(newNames);
        generation++;
    }

    Map<String, Set<InetAddress>> resolved() {
        return resolved;
    }

    /** The periodic refresh (resolver thread). */
    void refresh() {
        Set<String> wanted;
        long gen;
        synchronized (this) {
            wanted = names;
            gen = generation;
        }
        Map<String, Set<InetAddress>> out = lookupAll(wanted);
        boolean changed;
        synchronized (this) {
            changed = gen == generation && !out.equals(resolved);
            if (changed) {
                resolved = out;
            }
        }
        if (changed) {
            onChange.run(); // outside every lock of ours
        }
    }

    private Map<String, Set<InetAddress>> lookupAll(Set<String> wanted) {
        Map<String, Set<InetAddress>> before = resolved;
        Map<String, Set<InetAddress>> out = new HashMap<>();
        for (String name : wanted) {
            try {
                out.put(name, Set.copyOf(new LinkedHashSet<>(Arrays.asList(lookup.resolve(name)))));
            } catch (UnknownHostException e) {
                out.put(name, before.getOrDefault(name, Set.of())); // keep the last answer through a failure
                LOG.debug("STRICT_DNS: cannot resolve {}: {}", name, e.getMessage());
            }
        }
        return Map.copyOf(out);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
