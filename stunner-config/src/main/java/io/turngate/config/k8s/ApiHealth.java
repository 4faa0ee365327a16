package io.turngate.config.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The state of the connection to the API server, as the informers report it: healthy, or degraded since a first
 * failure until every informer watches again. An outage is reported once (its first failure), however many informers
 * fail and however often they retry; an RBAC denial is logged once per verb and resource until the next recovery.
 *
 * <p>Thread-safe: informers report from their own threads.
 */
final class ApiHealth {
    private static final System.Logger LOG = System.getLogger(KubernetesConfigSource.class.getName());

    private final String api;
    private final LongSupplier clockMillis;
    private String degraded;
    private long sinceMillis;
    private final Set<String> denialsLogged = new HashSet<>();

    /**
     * @param api         the API server, for messages ({@code Kubernetes API https://10.96.0.1:443})
     * @param clockMillis wall clock
     */
    ApiHealth(String api, LongSupplier clockMillis) {
        this.api = api;
        this.clockMillis = clockMillis;
    }

    /**
     * An informer of {@code what} failed.
     *
     * @param what the kind, or the Secret, the informer watches
     * @return the message to report when this failure starts an outage; empty when one is already reported
     */
    synchronized Optional<String> failed(String what, Throwable t) {
        String cause = cause(what, t);
        if (degraded != null) {
            return Optional.empty();
        }
        sinceMillis = clockMillis.getAsLong();
        degraded = api + ": " + cause + " since "
                + Instant.ofEpochMilli(sinceMillis).truncatedTo(ChronoUnit.SECONDS)
                + "; serving the last good config, reconnecting with back-off";
        return Optional.of(degraded);
    }

    /** Every informer watches again: the message to log when this ends an outage, else empty. */
    synchronized Optional<String> recovered() {
        if (degraded == null) {
            return Optional.empty();
        }
        long seconds = Math.max(0, (clockMillis.getAsLong() - sinceMillis) / 1000);
        degraded = null;
        denialsLogged.clear();
        return Optional.of(api + ": watching again after " + seconds + " s; caught up with the changes made meanwhile");
    }

    synchronized Optional<String> degraded() {
        return Optional.ofNullable(degraded);
    }

    /** The objects can be listed, but no watch on them could be re-established. */
    static final class WatchLost extends Exception {
        WatchLost() {
            super("the watch was not re-established", null, false, false);
        }
    }

    /** What went wrong, in words; an RBAC denial is logged here, once per verb and resource. */
    private String cause(String what, Throwable t) {
        if (t instanceof WatchLost) {
            return "the watch of " + what + " was lost and is not re-established yet (listing it works)";
        }
        KubernetesClientException k = find(t, KubernetesClientException.class);
        int code = k == null ? 0 : k.getCode();
        if (code == 403) {
            String verb = verb(k);
            String denial = "forbidden to " + verb + " " + what + " (RBAC: grant " + verb + " on it to this"
                    + " ServiceAccount)";
            if (denialsLogged.add(verb + " " + what)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1}: {2}", api, denial, firstLine(k.getMessage()));
            }
            return denial;
        }
        if (code == 404) {
            return what + " not served (expected: its CRD installed)";
        }
        if (code == 401) {
            return "unauthorized (expected: valid credentials for the API server)";
        }
        if (code > 0) {
            return "HTTP " + code + " watching " + what + ": " + firstLine(k.getMessage());
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return "unreachable (" + root.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m)) + ")";
    }

    /** Informers only list and watch; a watch request carries {@code watch=true}. */
    private static String verb(KubernetesClientException k) {
        String m = String.valueOf(k.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("watch=true") || m.contains("watch=1") ? "watch" : "list";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
