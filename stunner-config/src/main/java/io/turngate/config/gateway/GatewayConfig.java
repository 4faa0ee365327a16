package io.turngate.config.gateway;

import java.util.Map;

/**
 * {@code stunner.l7mp.io/v1} (or {@code v1alpha1}) GatewayConfig: the parameters of a STUNner GatewayClass
 * (stunner-compat §2). Absent fields are {@code null}; defaults (realm {@code stunner.l7mp.io}, authType
 * {@code plaintext}, logLevel {@code all:INFO}) are applied by the renderer. v1alpha1-only fields
 * ({@code minPort}, {@code maxPort}, ...) are not modelled. {@link #toString()} never prints secrets.
 *
 * @param authRef                        {@code spec.authRef} Secret reference; overrides the inline credentials
 * @param dataplane                      {@code spec.dataplane}, name of the cluster-scoped Dataplane template
 *                                       (default {@code default})
 * @param loadBalancerServiceAnnotations {@code spec.loadBalancerServiceAnnotations}: annotations for every
 *                                       Gateway's Service; a Gateway's own annotations override them. Never null.
 */
public record GatewayConfig(String apiVersion, ObjectMeta metadata, String realm, String authType, String userName,
                            String password, String sharedSecret, SecretRef authRef, String logLevel,
                            Integer userQuota, String dataplane, Boolean stunMode,
                            Map<String, String> loadBalancerServiceAnnotations, Origin origin) implements Resource {
    public static final String KIND = "GatewayConfig";

    public GatewayConfig {
        loadBalancerServiceAnnotations = loadBalancerServiceAnnotations == null ? Map.of()
                : Map.copyOf(loadBalancerServiceAnnotations);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String toString() {
        return "GatewayConfig[" + key() + ", realm=" + realm + ", authType=" + authType + ", userName=" + userName
                + ", password=" + (password == null ? null : "<SECRET>")
                + ", sharedSecret=" + (sharedSecret == null ? null : "<SECRET>") + ", authRef=" + authRef
                + ", logLevel=" + logLevel + ", userQuota=" + userQuota + ", dataplane=" + dataplane
                + ", stunMode=" + stunMode + ", loadBalancerServiceAnnotations=" + loadBalancerServiceAnnotations
                + ", origin=" + origin + "]";
    }
}
