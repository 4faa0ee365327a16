package io.turngate.config.gateway;

import java.util.List;

/**
 * {@code gateway.networking.k8s.io/v1} (or {@code v1beta1}) Gateway: one STUNner dataplane config is rendered per
 * Gateway of a STUNner GatewayClass (stunner-compat §2 "Gateway").
 *
 * @param gatewayClassName {@code spec.gatewayClassName}
 * @param listeners        {@code spec.listeners}, in order
 * @param addresses        {@code spec.addresses}; {@code [0]} forces the public address
 */
public record Gateway(String apiVersion, ObjectMeta metadata, String gatewayClassName, List<Listener> listeners,
                      List<Address> addresses, Origin origin) implements Resource {
    public static final String KIND = "Gateway";

    /** Annotation mapping listener names to container/target ports (JSON map, braces optional). */
    public static final String ANNOTATION_TARGET_PORT = "stunner.l7mp.io/targetport";
    /** Premium relay-address discovery annotation (accepted, not implemented). */
    public static final String ANNOTATION_RELAY_ADDRESS_DISCOVERY = "stunner.l7mp.io/enable-relay-address-discovery";

    public Gateway {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * {@code spec.listeners[]}.
     *
     * @param protocol      as written (validated by the renderer, not the loader)
     * @param tls           {@code tls}, or {@code null}
     * @param allowedRoutes {@code allowedRoutes}; never null ({@code from: Same} when absent)
     */
    public record Listener(String name, int port, String protocol, Tls tls, AllowedRoutes allowedRoutes) {
        public Listener {
            allowedRoutes = allowedRoutes == null ? AllowedRoutes.SAME : allowedRoutes;
        }
    }

    /** {@code tls}: {@code mode} ({@code Terminate} when null) and {@code certificateRefs}. */
    public record Tls(String mode, List<SecretRef> certificateRefs) {
        public Tls {
            certificateRefs = certificateRefs == null ? List.of() : List.copyOf(certificateRefs);
        }
    }

    /**
     * {@code allowedRoutes.namespaces}: {@code from} is {@code Same} (default), {@code All} or {@code Selector};
     * {@code selector} is only meaningful for {@code Selector} and may be null.
     */
    public record AllowedRoutes(String from, LabelSelector selector) {
        public static final AllowedRoutes SAME = new AllowedRoutes("Same", null);
        public static final String EXPECTED_FROM = "Same, All, Selector";
    }

    /** {@code spec.addresses[]}: {@code type} ({@code IPAddress} when null, or {@code Hostname}) and {@code value}. */
    public record Address(String type, String value) {
    }
}
