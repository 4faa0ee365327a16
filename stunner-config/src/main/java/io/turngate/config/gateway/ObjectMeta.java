package io.turngate.config.gateway;

import java.util.List;
import java.util.Map;

/**
 * The part of Kubernetes {@code metadata} the renderer needs.
 *
 * @param name            object name, never empty
 * @param namespace       namespace; {@code default} when a namespaced object omits it (as {@code kubectl apply}
 *                        without {@code -n} does); empty for cluster-scoped kinds
 * @param labels          labels, never null
 * @param annotations     annotations, never null
 * @param uid             {@code metadata.uid}, or {@code null} (hand-written manifests have none)
 * @param ownerReferences {@code metadata.ownerReferences}, never null
 * @param generation      {@code metadata.generation}, or {@code null} when not known (hand-written manifests carry
 *                        none); the {@code observedGeneration} of the status written for this object
 */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
                         String uid, List<OwnerReference> ownerReferences, Long generation) {
    /** Namespace assumed for namespaced objects that do not name one. */
    public static final String DEFAULT_NAMESPACE = "default";

    public ObjectMeta {
        namespace = namespace == null ? "" : namespace;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        uid = uid == null || uid.isEmpty() ? null : uid;
        ownerReferences = ownerReferences == null ? List.of() : List.copyOf(ownerReferences);
    }

    /** Metadata without a known generation. */
    public ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations,
                      String uid, List<OwnerReference> ownerReferences) {
        this(name, namespace, labels, annotations, uid, ownerReferences, null);
    }

    /** Metadata without uid, owner references and generation. */
    public ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
        this(name, namespace, labels, annotations, null, List.of(), null);
    }

    /** {@code namespace/name}, or just {@code name} for cluster-scoped objects. */
    public String key() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /**
     * True when one of the owner references names {@code owner} of kind {@code kind}, as the operator's
     * {@code store.IsOwner} decides: same kind and name, and the same uid. A uid missing on either side (hand-written
     * manifests carry none) is not held against the match; two different uids are (the owner was re-created).
     */
    public boolean isOwnedBy(String kind, ObjectMeta owner) {
        for (OwnerReference r : ownerReferences) {
            if (kind.equals(r.kind()) && owner.name().equals(r.name())
                    && (r.uid() == null || owner.uid() == null || r.uid().equals(owner.uid()))) {
                return true;
            }
        }
        return false;
    }

    /** One {@code metadata.ownerReferences[]} entry; {@code uid} may be {@code null}. */
    public record OwnerReference(String apiVersion, String kind, String name, String uid) {
        public OwnerReference {
            uid = uid == null || uid.isEmpty() ? null : uid;
        }
    }
}
