package io.turngate.config.cds;

import java.io.IOException;

/**
 * Where to reach the config discovery service for the next connection: a fixed address from the config origin, or
 * one found through the Kubernetes API ({@link K8sCdsDiscovery}) that may change between attempts.
 *
 * <p>Threading: called by one {@link CdsConfigSource} thread at a time.
 */
public interface CdsServer extends AutoCloseable {
    /**
     * The server for the next attempt.
     *
     * @param lastAttemptFailed the previous connection or request to the returned address failed: look again
     * @throws IOException when it cannot be found now (the caller retries)
     */
    CdsOrigin locate(boolean lastAttemptFailed) throws IOException;

    /** What it is, for logs ({@code "http://10.0.0.7:13478"}, {@code "pod stunner-system/stunner-gateway-operator-x"}). */
    String describe();

    /** Releases what finding it holds (a port-forward); the default holds nothing. */
    @Override
    default void close() {
    }

    /** A fixed address. */
    static CdsServer fixed(CdsOrigin origin) {
        return new CdsServer() {
            @Override
            public CdsOrigin locate(boolean lastAttemptFailed) {
                return origin;
            }

            @Override
            public String describe() {
                return origin.toString();
            }
        };
    }
}
