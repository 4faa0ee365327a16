package io.turngate.config.k8s;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API connection's state: one report per outage, RBAC denials named with verb and resource, recovery. */
class ApiHealthTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final ApiHealth health = new ApiHealth("Kubernetes API https://10.96.0.1:443/", now::get);

    @Test
    void anOutageIsReportedOnceHoweverManyInformersFailAndEndsWithARecovery() {
        KubernetesClientException refused = new KubernetesClientException("Operation: [list] failed",
                new ConnectException("Connection refused"));
        Optional<String> first = health.failed("gateways.gateway.networking.k8s.io (all namespaces)", refused);
        assertTrue(first.isPresent());
        assertTrue(first.get().contains("unreachable (ConnectException: Connection refused)"), first.get());
        assertTrue(first.get().contains("serving the last good config"), first.get());
        assertEquals(Optional.empty(), health.failed("services (all namespaces)", refused));
        assertEquals(Optional.empty(), health.failed("gateways.gateway.networking.k8s.io (all namespaces)", refused));
        assertEquals(first, health.degraded());

        now.addAndGet(42_000);
        Optional<String> back = health.recovered();
        assertTrue(back.isPresent() && back.get().contains("after 42 s"), back.toString());
        assertEquals(Optional.empty(), health.degraded());
        assertEquals(Optional.empty(), health.recovered(), "one recovery per outage");
        assertTrue(health.failed("nodes", refused).isPresent(), "the next outage is reported again");
    }

    @Test
    void aDenialNamesTheVerbAndTheResource() {
        KubernetesClientException forbidden = new KubernetesClientException("Failure executing: GET at:"
                + " https://10.96.0.1:443/api/v1/namespaces/stunner/secrets?fieldSelector=metadata.name%3Dauth"
                + "&watch=true. Message: Forbidden!", 403,
                new StatusBuilder().withCode(403).withReason("Forbidden").build());
        Optional<String> m = health.failed("secret stunner/auth", forbidden);
        assertTrue(m.isPresent());
        assertTrue(m.get().contains("forbidden to watch secret stunner/auth"), m.get());

        health.recovered();
        KubernetesClientException listForbidden = new KubernetesClientException("Failure executing: GET at:"
                + " https://10.96.0.1:443/api/v1/nodes?limit=500. Message: Forbidden!", 403,
                new StatusBuilder().withCode(403).build());
        assertTrue(health.failed("nodes", listForbidden).orElseThrow().contains("forbidden to list nodes"));
    }

    @Test
    void aMissingCrdIsNamed() {
        KubernetesClientException notFound = new KubernetesClientException("Failure executing: GET at:"
                + " https://10.96.0.1:443/apis/stunner.l7mp.io/v1/udproutes. Message: Not Found.", 404,
                new StatusBuilder().withCode(404).build());
        assertTrue(health.failed("udproutes.stunner.l7mp.io (all namespaces)", notFound).orElseThrow()
                .contains("udproutes.stunner.l7mp.io (all namespaces) not served (expected: its CRD installed)"));
    }
}
