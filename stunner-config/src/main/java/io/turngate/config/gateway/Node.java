package io.turngate.config.gateway;

import java.util.List;

/**
 * core/v1 Node (cluster-scoped). The operator falls back to the first Node with an external address, plus the
 * listener's NodePort, when a Gateway's Service has no load-balancer address (stunner-compat §2 "Public address").
 *
 * @param addresses {@code status.addresses[]} in order
 */
public record Node(String apiVersion, ObjectMeta metadata, List<Address> addresses, Origin origin) implements Resource {
    public static final String KIND = "Node";

    public Node {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The node's public address as the operator's {@code store.GetExternalAddress} picks it: the first
     * {@code ExternalIP}, else the first {@code ExternalDNS}; {@code null} when there is neither.
     */
    public String externalAddress() {
        for (String type : List.of("ExternalIP", "ExternalDNS")) {
            for (Address a : addresses) {
                if (type.equals(a.type()) && a.address() != null && !a.address().isEmpty()) {
                    return a.address();
                }
            }
        }
        return null;
    }

    /** {@code status.addresses[]}: {@code type} ({@code InternalIP}, {@code ExternalIP}, {@code ExternalDNS}, ...). */
    public record Address(String type, String address) {
    }
}
