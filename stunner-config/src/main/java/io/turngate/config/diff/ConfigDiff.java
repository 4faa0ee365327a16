package io.turngate.config.diff;

import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changes between two validated configs, by object name, as stunnerd's reconciler sees it
 * (stunner-compat §1f "Reconciliation"):
 * <ul>
 *   <li>a listener whose name is new is started, one whose name is gone is stopped;</li>
 *   <li>a listener whose {@code protocol}, {@code address}, {@code port}, {@code cert} or {@code key} changed is
 *       restarted ({@link ListenerConfig#needsRestartFrom}): its sockets close and its allocations are dropped;
 *       except that a TURN-TLS or TURN-DTLS listener whose {@code cert} or {@code key} changed is updated in place
 *       (turngate serves the new certificate to new connections and handshakes);</li>
 *   <li>a listener where only {@code routes}, {@code public_address} or {@code public_port} changed is updated in
 *       place;</li>
 *   <li>clusters are added, removed or changed in place; auth and admin changes are flagged.</li>
 * </ul>
 * <b>Realm changes are deliberately not turned into restarts here.</b> stunnerd restarts every listener when
 * {@code auth.realm} changes (pion builds the realm into each TURN server). turngate looks the realm up per
 * request, so a realm change can be applied in place; {@link #realmChanged()} is exposed and the server decides.
 * A server that wants stunnerd's behaviour restarts {@link #listenersToKeep()} plus {@link #listenersToRestart()}
 * when {@code realmChanged()}.
 *
 * <p>All lists are in the order of the new config (stopped ones: the old config), and hold the <em>new</em>
 * listener/cluster values except {@code listenersToStop} and {@code clustersRemoved}, which hold the old ones.
 * Pure value, thread-safe.
 *
 * @param listenersToStart   names only in the new config
 * @param listenersToStop    names only in the old config (old values)
 * @param listenersToRestart same name, changed so that the sockets must be rebuilt (new values)
 * @param listenersToUpdate  same name, changed in routes/public address/public port only, or a TURN-TLS or
 *                           TURN-DTLS listener's cert/key (new values)
 * @param listenersToKeep    same name, unchanged
 * @param clustersAdded      names only in the new config
 * @param clustersRemoved    names only in the old config (old values)
 * @param clustersChanged    same name, different type, protocol or endpoints (new values)
 * @param authChanged        any difference in {@code auth} (type, realm or credentials)
 * @param realmChanged       {@code auth.realm} differs (implies {@code authChanged})
 * @param adminChanged       any difference in {@code admin}
 * @param adminChanges       which {@code admin} fields differ (empty iff {@code !adminChanged}); a metrics or
 *                           health endpoint change restarts that HTTP server, a log level change applies at once
 */
public record ConfigDiff(List<ListenerConfig> listenersToStart, List<ListenerConfig> listenersToStop,
                         List<ListenerConfig> listenersToRestart, List<ListenerConfig> listenersToUpdate,
                         List<ListenerConfig> listenersToKeep,
                         List<ClusterConfig> clustersAdded, List<ClusterConfig> clustersRemoved,
                         List<ClusterConfig> clustersChanged,
                         boolean authChanged, boolean realmChanged, boolean adminChanged,
                         Set<AdminField> adminChanges) {
    /** The {@code admin} fields, for {@link #adminChanges()}. */
    public enum AdminField { NAME, LOG_LEVEL, METRICS_ENDPOINT, HEALTH_CHECK_ENDPOINT, USER_QUOTA, OFFLOAD }

    public ConfigDiff {
        adminChanges = adminChanges.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(adminChanges));
        listenersToStart = List.copyOf(listenersToStart);
        listenersToStop = List.copyOf(listenersToStop);
        listenersToRestart = List.copyOf(listenersToRestart);
        listenersToUpdate = List.copyOf(listenersToUpdate);
        listenersToKeep = List.copyOf(listenersToKeep);
        clustersAdded = List.copyOf(clustersAdded);
        clustersRemoved = List.copyOf(clustersRemoved);
        clustersChanged = List.copyOf(clustersChanged);
    }

    /**
     * Diffs two configs. {@code old} may be {@code null} (first config: everything is started/added and auth and
     * admin count as changed).
     */
    public static ConfigDiff between(StunnerConfig old, StunnerConfig neu) {
        Objects.requireNonNull(neu, "neu");
        Map<String, ListenerConfig> oldListeners = new LinkedHashMap<>();
        Map<String, ClusterConfig> oldClusters = new LinkedHashMap<>();
        if (old != null) {
            old.listeners().forEach(l -> oldListeners.put(l.name(), l));
            old.clusters().forEach(c -> oldClusters.put(c.name(), c));
        }
        List<ListenerConfig> start = new ArrayList<>();
        List<ListenerConfig> restart = new ArrayList<>();
        List<ListenerConfig> update = new ArrayList<>();
        List<ListenerConfig> keep = new ArrayList<>();
        for (ListenerConfig l : neu.listeners()) {
            ListenerConfig before = oldListeners.remove(l.name());
            if (before == null) {
                start.add(l);
            } else if (l.needsRestartFrom(before)) {
                restart.add(l);
            } else if (!l.equals(before)) {
                update.add(l);
            } else {
                keep.add(l);
            }
        }
        List<ListenerConfig> stop = new ArrayList<>(oldListeners.values());

        List<ClusterConfig> added = new ArrayList<>();
        List<ClusterConfig> changed = new ArrayList<>();
        for (ClusterConfig c : neu.clusters()) {
            ClusterConfig before = oldClusters.remove(c.name());
            if (before == null) {
                added.add(c);
            } else if (!c.equals(before)) {
                changed.add(c);
            }
        }
        List<ClusterConfig> removed = new ArrayList<>(oldClusters.values());

        AuthConfig oldAuth = old == null ? null : old.auth();
        AdminConfig oldAdmin = old == null ? null : old.admin();
        boolean authChanged = !Objects.equals(oldAuth, neu.auth());
        boolean realmChanged = oldAuth == null || neu.auth() == null
                ? oldAuth != neu.auth()
                : !Objects.equals(oldAuth.realm(), neu.auth().realm());
        boolean adminChanged = !Objects.equals(oldAdmin, neu.admin());
        Set<AdminField> fields = EnumSet.noneOf(AdminField.class);
        if (adminChanged) {
            AdminConfig a = oldAdmin;
            AdminConfig b = neu.admin();
            if (a == null || b == null) {
                fields = EnumSet.allOf(AdminField.class);
            } else {
                if (!Objects.equals(a.name(), b.name())) {
                    fields.add(AdminField.NAME);
                }
                if (!Objects.equals(a.logLevel(), b.logLevel())) {
                    fields.add(AdminField.LOG_LEVEL);
                }
                if (!Objects.equals(a.metricsEndpoint(), b.metricsEndpoint())) {
                    fields.add(AdminField.METRICS_ENDPOINT);
                }
                if (!Objects.equals(a.healthCheckEndpoint(), b.healthCheckEndpoint())) {
                    fields.add(AdminField.HEALTH_CHECK_ENDPOINT);
                }
                if (a.userQuota() != b.userQuota()) {
                    fields.add(AdminField.USER_QUOTA);
                }
                if (!Objects.equals(a.offloadEngine(), b.offloadEngine())
                        || !Objects.equals(a.offloadInterfaces(), b.offloadInterfaces())) {
                    fields.add(AdminField.OFFLOAD);
                }
            }
        }
        return new ConfigDiff(start, stop, restart, update, keep, added, removed, changed,
                authChanged, realmChanged, adminChanged, fields);
    }

    /** True when nothing at all changed. */
    public boolean isEmpty() {
        return listenersToStart.isEmpty() && listenersToStop.isEmpty() && listenersToRestart.isEmpty()
                && listenersToUpdate.isEmpty() && clustersAdded.isEmpty() && clustersRemoved.isEmpty()
                && clustersChanged.isEmpty() && !authChanged && !adminChanged;
    }

    /** True when some listener socket must be opened, closed or rebuilt. */
    public boolean touchesSockets() {
        return !listenersToStart.isEmpty() || !listenersToStop.isEmpty() || !listenersToRestart.isEmpty();
    }

    /** Short summary for a log line, without any secret: counts per action plus changed flags. */
    @Override
    public String toString() {
        return "ConfigDiff[listeners: +" + names(listenersToStart) + " -" + names(listenersToStop)
                + " restart" + names(listenersToRestart) + " update" + names(listenersToUpdate)
                + ", clusters: +" + cnames(clustersAdded) + " -" + cnames(clustersRemoved) + " ~" + cnames(clustersChanged)
                + ", auth " + (authChanged ? "changed" : "same") + (realmChanged ? " (realm)" : "")
                + ", admin " + (adminChanged ? "changed " + adminChanges : "same") + "]";
    }

    private static List<String> names(List<ListenerConfig> ls) {
        return ls.stream().map(ListenerConfig::name).toList();
    }

    private static List<String> cnames(List<ClusterConfig> cs) {
        return cs.stream().map(ClusterConfig::name).toList();
    }
}
