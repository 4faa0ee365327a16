package io.turngate.config.v1;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code auth} section. {@code credentials} holds {@code username}/{@code password} for static auth and
 * {@code secret} for ephemeral (TURN REST) auth; extra keys are kept but ignored. {@link #toString()} never
 * prints credential values.
 */
public record AuthConfig(AuthType type, String realm, Map<String, String> credentials) {
    public AuthConfig {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }

    public String credential(String key) {
        return credentials.get(key);
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        credentials.keySet().forEach(k -> masked.put(k, "<SECRET>"));
        return "AuthConfig[type=" + type + ", realm=" + realm + ", credentials=" + masked + "]";
    }
}
