package io.turngate.config.v1;

import java.util.Locale;

/** Cluster type: {@code STATIC} (IP prefixes with optional port ranges) or {@code STRICT_DNS} (names resolved in the background). */
public enum ClusterType {
    STATIC,
    STRICT_DNS;

    public static final String EXPECTED = "STATIC, STRICT_DNS";

    /** Case-insensitive parse; {@code null} when unknown. */
    public static ClusterType parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "STATIC": return STATIC;
            case "STRICT_DNS": return STRICT_DNS;
            default: return null;
        }
    }
}
