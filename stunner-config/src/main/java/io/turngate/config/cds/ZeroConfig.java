package io.turngate.config.cds;

import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;

import java.util.Map;

/**
 * STUNner's "zero config" (stunner {@code pkg/config/client} {@code ZeroConfig}): {@code version v1},
 * {@code admin.name} = the dataplane's id, static auth with {@code dummy-username}/{@code dummy-password}, no
 * listeners and no clusters. stunnerd boots on it in watch mode, and the config discovery service pushes it when the
 * Gateway is deleted (stunner-compat §1b). Stateless.
 */
public final class ZeroConfig {
    /** The placeholder credentials that mark a zero config. */
    public static final String USERNAME = "dummy-username";
    public static final String PASSWORD = "dummy-password";

    private ZeroConfig() {
    }

    /** The zero config as the CDS server writes it (compact JSON, Go's field order). */
    public static String json(String id) {
        return "{\"version\":\"v1\",\"admin\":{\"name\":" + quote(id) + "},\"auth\":{\"type\":\"static\","
                + "\"realm\":\"stunner.l7mp.io\",\"credentials\":{\"password\":\"" + PASSWORD + "\",\"username\":\""
                + USERNAME + "\"}}}";
    }

    /**
     * The validated zero config to boot on.
     *
     * @param healthCheckEndpointOrNull its {@code admin.healthcheck_endpoint}; {@code null} = stunnerd's default
     *                                  {@code http://:8086}, where the probes of a pod look before any config came
     * @throws ConfigException when the endpoint is not valid
     */
    public static StunnerConfig of(String id, String healthCheckEndpointOrNull) throws ConfigException {
        String json = json(id);
        if (healthCheckEndpointOrNull != null) {
            json = json.replace("\"admin\":{", "\"admin\":{\"healthcheck_endpoint\":" + quote(healthCheckEndpointOrNull)
                    + ",");
        }
        return ConfigLoader.parse(json, Map.of());
    }

    /**
     * Whether {@code c} is a zero config: no listeners, no clusters and the placeholder static credentials (other
     * fields, such as the realm or the log level, do not matter).
     */
    public static boolean isZero(StunnerConfig c) {
        return c.listeners().isEmpty() && c.clusters().isEmpty() && c.auth() != null
                && USERNAME.equals(c.auth().credentials().get("username"))
                && PASSWORD.equals(c.auth().credentials().get("password"));
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }
}
