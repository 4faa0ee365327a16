package io.turngate.config.gateway;

import java.util.HashMap;
import java.util.Map;

/** core/v1 Namespace (cluster-scoped), used to evaluate {@code allowedRoutes.namespaces.selector}. */
public record Namespace(String apiVersion, ObjectMeta metadata, Origin origin) implements Resource {
    public static final String KIND = "Namespace";
    /** Label the API server puts on every Namespace (Kubernetes ≥ 1.21). */
    public static final String LABEL_METADATA_NAME = "kubernetes.io/metadata.name";

    @Override
    public String kind() {
        return KIND;
    }

    /** The labels plus the automatic {@code kubernetes.io/metadata.name=<name>}. */
    public Map<String, String> effectiveLabels() {
        Map<String, String> m = new HashMap<>(metadata.labels());
        m.put(LABEL_METADATA_NAME, metadata.name());
        return m;
    }
}
