package io.turngate.config.v1;

import java.util.Locale;

/** Transport towards a cluster's peers: {@code UDP} (default) or {@code TCP} (RFC 6062; not relayed by turngate yet). */
public enum ClusterProtocol {
    UDP,
    TCP;

    public static final String EXPECTED = "UDP, TCP";

    /** Case-insensitive parse; {@code null} when unknown. */
    public static ClusterProtocol parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "UDP": return UDP;
            case "TCP": return TCP;
            default: return null;
        }
    }
}
