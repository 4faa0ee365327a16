package io.turngate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.load.ConfigJson;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.server.Gateway;
import io.turngate.server.ListenerStats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * {@code GET /status}: stunnerd's {@code StunnerStatus} JSON (stunner-compat §1e: {@code version}, {@code admin}
 * with {@code quota} and {@code offload} as strings, {@code auth}, {@code listeners[]} and {@code clusters[]} each
 * with {@code stats: {rx: {pkts, bytes, timestamp}, tx: {...}}}, {@code allocationCount}, {@code status}), with
 * every password, secret, certificate and key shown as {@code <SECRET>} (stunnerd shows them in clear).
 *
 * <p>Beyond stunnerd (extra fields, which stunnerd's own clients ignore): the stats carry turngate's real counters
 * (stunnerd fills them only with its premium offload engine), {@code timestamp} is the Unix time in milliseconds the
 * numbers were read at, and each listener has {@code relay_address} (and {@code relay_address_ipv6} or
 * {@code relay_address_ipv4}, the other family's relay address, when it has one), {@code sockets}, {@code served},
 * {@code tls_engine} (TURN-TLS: {@code openssl} or {@code jdk}) and
 * {@code allocations} with {@code users} (allocations per username, the {@code users} query parameter's number of
 * the largest, default {@value #USERS_DEFAULT}); a {@code turngate} object holds the process facts.
 */
final class StatusReport {
    static final int USERS_DEFAULT = 20;
    static final int USERS_MAX = 10_000;
    /** How long the relay event loops may take to report their allocations. */
    static final long SNAPSHOT_BOUND_MILLIS = 1000;

    private StatusReport() {
    }

    static CompletableFuture<HttpAnswer> answer(Gateway gw, Readiness readiness, HttpGet req, LongSupplier wallClock,
                                                String version, long startedAtMillis) throws HttpGet.BadQuery {
        boolean pretty = req.booleanParam("pretty", false);
        int users = (int) req.longParam("users", 0, USERS_MAX).orElse(USERS_DEFAULT);
        return gw.allocationSnapshot(SNAPSHOT_BOUND_MILLIS).thenApply(snapshot -> {
            ObjectNode root = build(gw, readiness, snapshot, users, wallClock.getAsLong(), version, startedAtMillis);
            return HttpAnswer.of(200, HttpAnswer.JSON, Json.write(root, pretty) + "\n");
        });
    }

    static ObjectNode build(Gateway gw, Readiness readiness, Gateway.AllocationSnapshot snapshot, int users, long now,
                            String version, long startedAtMillis) {
        StunnerConfig cfg = gw.config();
        ObjectNode masked = ConfigJson.tree(cfg, true);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", cfg.version());
        root.set("admin", admin(cfg.admin()));
        root.set("auth", masked.get("auth"));

        Map<String, Gateway.ListenerView> running = new HashMap<>();
        for (Gateway.ListenerView v : gw.listenerViews()) {
            running.put(v.config().name(), v);
        }
        ArrayNode listeners = root.putArray("listeners");
        JsonNode configured = masked.get("listeners");
        if (configured != null) {
            for (JsonNode l : configured) {
                ObjectNode o = ((ObjectNode) l).deepCopy();
                String name = l.path("name").asText();
                ListenerStats s = gw.stats(name);
                o.set("stats", dirStats(s == null ? 0 : s.rxPackets(), s == null ? 0 : s.rxBytes(),
                        s == null ? 0 : s.txPackets(), s == null ? 0 : s.txBytes(), now));
                Gateway.ListenerView v = running.get(name);
                o.put("served", v != null);
                if (v != null) {
                    o.put("relay_address", io.netty.util.NetUtil.toAddressString(v.relayAddress()));
                    if (v.otherFamilyRelayAddress() != null) { // RFC 8656 §7.2: the other family's relayed address
                        o.put(v.otherFamilyRelayAddress() instanceof java.net.Inet6Address ? "relay_address_ipv6"
                                : "relay_address_ipv4", io.netty.util.NetUtil.toAddressString(
                                        v.otherFamilyRelayAddress()));
                    }
                    o.put("sockets", v.sockets());
                    o.put("connections", v.connections());
                    if (v.tlsEngine() != null) {
                        o.put("tls_engine", v.tlsEngine());
                    }
                    Map<String, Integer> perUser = snapshot.perListenerAndUser().get(name);
                    o.put("allocations", perUser == null ? v.allocations()
                            : perUser.values().stream().mapToInt(Integer::intValue).sum());
                    if (perUser != null) {
                        putUsers(o, perUser, users);
                    }
                }
                listeners.add(o);
            }
        }
        ArrayNode clusters = root.putArray("clusters");
        Map<String, long[]> clusterStats = gw.clusterStats();
        JsonNode configuredClusters = masked.get("clusters");
        if (configuredClusters != null) {
            for (JsonNode c : configuredClusters) {
                ObjectNode o = ((ObjectNode) c).deepCopy();
                long[] t = clusterStats.getOrDefault(c.path("name").asText(), new long[4]);
                o.set("stats", dirStats(t[0], t[1], t[2], t[3], now));
                clusters.add(o);
            }
        }
        root.put("allocationCount", gw.allocationCount());
        root.put("status", readiness.state().wire());

        ObjectNode tg = root.putObject("turngate");
        tg.put("version", version);
        tg.put("uptime_seconds", Math.max(0, (now - startedAtMillis) / 1000));
        tg.put("transport", gw.transport().name().toLowerCase(java.util.Locale.ROOT));
        tg.put("timestamp", now);
        ArrayNode incomplete = tg.putArray("incomplete");
        snapshot.incomplete().forEach(incomplete::add);
        Map<String, Integer> allUsers = new HashMap<>();
        snapshot.perListenerAndUser().values().forEach(m -> m.forEach((u, n) -> allUsers.merge(u, n, Integer::sum)));
        putUsers(tg, allUsers, users);
        return root;
    }

    /** stunnerd's {@code AdminStatus}: the admin config with {@code quota} and {@code offload} as strings. */
    private static ObjectNode admin(AdminConfig a) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (a == null) {
            return o;
        }
        putIfNotEmpty(o, "name", a.name());
        putIfNotEmpty(o, "loglevel", a.logLevel());
        putIfNotEmpty(o, "metrics_endpoint", a.metricsEndpoint());
        putIfNotEmpty(o, "healthcheck_endpoint", a.healthCheckEndpoint());
        o.put("quota", Integer.toString(a.userQuota()));
        String interfaces = a.offloadInterfaces().isEmpty() || "None".equals(a.offloadEngine()) ? "all"
                : String.join(",", a.offloadInterfaces());
        o.put("offload", (a.offloadEngine() == null || a.offloadEngine().isEmpty() ? "None" : a.offloadEngine())
                + "[" + interfaces + "]");
        return o;
    }

    private static void putIfNotEmpty(ObjectNode o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }

    private static ObjectNode dirStats(long rxPkts, long rxBytes, long txPkts, long txBytes, long now) {
        ObjectNode stats = Json.MAPPER.createObjectNode();
        ObjectNode rx = stats.putObject("rx");
        rx.put("pkts", rxPkts);
        rx.put("bytes", rxBytes);
        rx.put("timestamp", now);
        ObjectNode tx = stats.putObject("tx");
        tx.put("pkts", txPkts);
        tx.put("bytes", txBytes);
        tx.put("timestamp", now);
        return stats;
    }

    /** {@code users}: the {@code limit} usernames with the most allocations; {@code users_omitted}: how many more. */
    private static void putUsers(ObjectNode o, Map<String, Integer> perUser, int limit) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(perUser.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        ObjectNode u = o.putObject("users");
        for (int i = 0; i < sorted.size() && i < limit; i++) {
            u.put(sorted.get(i).getKey(), sorted.get(i).getValue());
        }
        o.put("users_omitted", Math.max(0, sorted.size() - limit));
    }
}
