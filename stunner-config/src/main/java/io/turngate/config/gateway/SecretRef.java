package io.turngate.config.gateway;

/**
 * A Gateway API {@code SecretObjectReference} (GatewayConfig {@code authRef}, listener
 * {@code tls.certificateRefs[]}). Absent fields are {@code null}: group defaults to core ({@code ""}), kind to
 * {@code Secret}, namespace to the referring object's namespace.
 */
public record SecretRef(String group, String kind, String name, String namespace) {
    /**
     * True when group/kind denote a core Secret, as the operator's {@code getSecretNameFromRef} checks: group absent,
     * {@code ""} or {@code v1}; kind absent or {@code Secret}.
     */
    public boolean isSecret() {
        return (group == null || group.isEmpty() || "v1".equals(group)) && (kind == null || "Secret".equals(kind));
    }

    /** The namespace, defaulting to {@code referrerNamespace}. */
    public String namespaceOr(String referrerNamespace) {
        return namespace == null || namespace.isEmpty() ? referrerNamespace : namespace;
    }

    @Override
    public String toString() {
        return (group == null || group.isEmpty() ? "" : group + "/") + (kind == null ? "Secret" : kind) + " "
                + (namespace == null ? "" : namespace + "/") + name;
    }
}
