package io.turngate.config.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;

/**
 * core/v1 Secret, for GatewayConfig {@code authRef} (keys {@code type}, {@code username}, {@code password},
 * {@code secret}/{@code sharedSecret}) and listener TLS {@code certificateRefs} ({@code tls.crt}/{@code tls.key}).
 * {@code data} (base64) and {@code stringData} (plain) are merged, {@code stringData} winning, as the API server
 * does on write. {@link #toString()} prints key names only.
 *
 * @param type {@code type}, e.g. {@code Opaque} or {@code kubernetes.io/tls}; may be null
 * @param data decoded values by key
 */
public record Secret(String apiVersion, ObjectMeta metadata, String type, Map<String, byte[]> data, Origin origin)
        implements Resource {
    public static final String KIND = "Secret";

    public Secret {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The raw value of {@code key}, or {@code null}. */
    public byte[] value(String key) {
        byte[] v = data.get(key);
        return v == null ? null : v.clone();
    }

    /** The value of {@code key} as UTF-8 text, or {@code null}. */
    public String string(String key) {
        byte[] v = data.get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Secret[" + key() + ", type=" + type + ", keys=" + new TreeSet<>(data.keySet()) + ", origin=" + origin + "]";
    }
}
