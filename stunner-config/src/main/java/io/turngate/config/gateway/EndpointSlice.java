package io.turngate.config.gateway;

import java.util.List;

/**
 * {@code discovery.k8s.io/v1} EndpointSlice. The operator takes <em>every</em> address of every endpoint, ready
 * or not, serving or terminating (stunner-compat §2, issue #138), so conditions are not modelled.
 *
 * @param addressType {@code IPv4}, {@code IPv6} or {@code FQDN}
 * @param addresses   all {@code endpoints[].addresses[]}, in order
 */
public record EndpointSlice(String apiVersion, ObjectMeta metadata, String addressType, List<String> addresses,
                            Origin origin) implements Resource {
    public static final String KIND = "EndpointSlice";
    /** Label naming the Service a slice belongs to. */
    public static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";

    public EndpointSlice {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The owning Service's name (label {@code kubernetes.io/service-name}), or {@code null}. */
    public String serviceName() {
        return metadata.labels().get(LABEL_SERVICE_NAME);
    }
}
