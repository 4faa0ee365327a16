package io.turngate.config.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turngate.config.v1.AdminConfig;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.ClusterConfig;
import io.turngate.config.v1.ListenerConfig;
import io.turngate.config.v1.StunnerConfig;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link StunnerConfig} as stunnerd JSON: STUNner's field names and its {@code omitempty} rules
 * ({@code pkg/apis/v1}), credentials sorted by key like Go's map encoding. {@code healthcheck_endpoint} is written
 * whenever it is non-null, so an explicit {@code ""} (health checking disabled) survives the round trip. What
 * {@link #write} produces parses back with {@link ConfigLoader#parse} to an equal config (absent {@code $} in
 * values other than credentials, which would be expanded). Thread-safe.
 */
public final class ConfigJson {
    /** Stands in for credential values, {@code cert} and {@code key} in {@link #writeMasked}. */
    public static final String SECRET = "<SECRET>";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ConfigJson() {
    }

    /** Compact JSON, as stunnerd and the CDS server send it. */
    public static String write(StunnerConfig config) {
        return toJson(tree(config, false), false);
    }

    /** Indented JSON, for humans. */
    public static String writePretty(StunnerConfig config) {
        return toJson(tree(config, false), true);
    }

    /** Like {@link #write} but credential values, {@code cert} and {@code key} are {@code "<SECRET>"}; for logs and status pages. */
    public static String writeMasked(StunnerConfig config) {
        return toJson(tree(config, true), false);
    }

    /** The JSON tree {@link #write} serialises. */
    public static ObjectNode tree(StunnerConfig config, boolean masked) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", config.version() == null ? "" : config.version());
        AdminConfig a = config.admin();
        ObjectNode admin = root.putObject("admin");
        if (a != null) {
            putIfNotEmpty(admin, "name", a.name());
            putIfNotEmpty(admin, "loglevel", a.logLevel());
            putIfNotEmpty(admin, "metrics_endpoint", a.metricsEndpoint());
            if (a.healthCheckEndpoint() != null) {
                admin.put("healthcheck_endpoint", a.healthCheckEndpoint());
            }
            if (a.userQuota() != 0) {
                admin.put("user_quota", a.userQuota());
            }
            putIfNotEmpty(admin, "offload_engine", a.offloadEngine());
            putList(admin, "offload_interfaces", a.offloadInterfaces());
        }
        AuthConfig au = config.auth();
        ObjectNode auth = root.putObject("auth");
        if (au != null) {
            if (au.type() != null) {
                auth.put("type", au.type().wireName());
            }
            putIfNotEmpty(auth, "realm", au.realm());
            ObjectNode creds = auth.putObject("credentials");
            for (Map.Entry<String, String> e : new TreeMap<>(au.credentials()).entrySet()) {
                creds.put(e.getKey(), masked ? SECRET : e.getValue());
            }
        } else {
            auth.putObject("credentials");
        }
        if (!config.listeners().isEmpty()) {
            ArrayNode ls = root.putArray("listeners");
            for (ListenerConfig l : config.listeners()) {
                ObjectNode o = ls.addObject();
                putIfNotEmpty(o, "name", l.name());
                if (l.protocol() != null) {
                    o.put("protocol", l.protocol().wireName());
                }
                putIfNotEmpty(o, "public_address", l.publicAddress());
                if (l.publicPort() != 0) {
                    o.put("public_port", l.publicPort());
                }
                putIfNotEmpty(o, "address", l.address());
                if (l.port() != 0) {
                    o.put("port", l.port());
                }
                putIfNotEmpty(o, "cert", masked && notEmpty(l.cert()) ? SECRET : l.cert());
                putIfNotEmpty(o, "key", masked && notEmpty(l.key()) ? SECRET : l.key());
                putList(o, "routes", l.routes());
            }
        }
        if (!config.clusters().isEmpty()) {
            ArrayNode cs = root.putArray("clusters");
            for (ClusterConfig c : config.clusters()) {
                ObjectNode o = cs.addObject();
                o.put("name", c.name() == null ? "" : c.name());
                if (c.type() != null) {
                    o.put("type", c.type().name());
                }
                if (c.protocol() != null) {
                    o.put("protocol", c.protocol().name());
                }
                putList(o, "endpoints", c.endpoints());
            }
        }
        return root;
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static void putIfNotEmpty(ObjectNode o, String key, String value) {
        if (notEmpty(value)) {
            o.put(key, value);
        }
    }

    private static void putList(ObjectNode o, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = o.putArray(key);
            values.forEach(a::add);
        }
    }

    private static String toJson(ObjectNode tree, boolean pretty) {
        try {
            return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) : MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e); // cannot happen for an ObjectNode
        }
    }
}
