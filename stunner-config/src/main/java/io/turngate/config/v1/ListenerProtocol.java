package io.turngate.config.v1;

import java.util.Locale;

/** Listener protocol of a stunnerd v1 listener. Short forms (UDP, TCP, TLS, DTLS) are aliases of the TURN-* forms. */
public enum ListenerProtocol {
    TURN_UDP("TURN-UDP"),
    TURN_TCP("TURN-TCP"),
    TURN_TLS("TURN-TLS"),
    TURN_DTLS("TURN-DTLS");

    /** Expected values, for error messages. */
    public static final String EXPECTED = "TURN-UDP, TURN-TCP, TURN-TLS, TURN-DTLS, UDP, TCP, TLS, DTLS";

    private final String wireName;

    ListenerProtocol(String wireName) {
        this.wireName = wireName;
    }

    /** Canonical spelling as stunnerd writes it back, e.g. {@code TURN-UDP}. */
    public String wireName() {
        return wireName;
    }

    /** Parses a protocol case-insensitively, accepting STUNner's short aliases; {@code null} when unknown. */
    public static ListenerProtocol parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "UDP": case "TURN-UDP": return TURN_UDP;
            case "TCP": case "TURN-TCP": return TURN_TCP;
            case "TLS": case "TURN-TLS": return TURN_TLS;
            case "DTLS": case "TURN-DTLS": return TURN_DTLS;
            default: return null;
        }
    }

    /** True for TLS and DTLS, which need {@code cert} and {@code key}. */
    public boolean needsCertificate() {
        return this == TURN_TLS || this == TURN_DTLS;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
