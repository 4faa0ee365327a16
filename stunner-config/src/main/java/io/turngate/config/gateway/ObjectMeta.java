package io.turngate.config.gateway;

import java.util.Map;

/**
 * The part of Kubernetes {@code metadata} the renderer needs.
 *
 * @param name        object name, never empty
 * @param namespace   namespace; {@code default} when a namespaced object omits it (as {@code kubectl apply}
 *                    without {@code -n} does); empty for cluster-scoped kinds
 * @param labels      labels, never null
 * @param annotations annotations, never null
 */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
    /** Namespace assumed for namespaced objects that do not name one. */
    public static final String DEFAULT_NAMESPACE = "default";

    public ObjectMeta {
        namespace = namespace == null ? "" : namespace;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** {@code namespace/name}, or just {@code name} for cluster-scoped objects. */
    public String key() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
