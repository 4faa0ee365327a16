package io.turngate.config.k8s.status;

/**
 * Something the status writer did or could not do, for a {@link StatusListener}.
 *
 * @param type     what happened
 * @param verb     the API verb ({@code get}, {@code update}, ...), or {@code null} for
 *                 leadership events
 * @param resource the API resource, {@code <plural>[/<subresource>].<group>} as RBAC names it, e.g.
 *                 {@code gateways/status.gateway.networking.k8s.io}, {@code leases.coordination.k8s.io}; or
 *                 {@code null}
 * @param object   {@code namespace/name} (or {@code name}) of the object, or {@code null}
 * @param message  what the API server said, or a description; never contains secrets
 */
public record StatusEvent(Type type, String verb, String resource, String object, String message) {
    /** Kinds of events. */
    public enum Type {
        /** A status was written. */
        WRITTEN,
        /** A status was already as computed: nothing written. */
        UNCHANGED,
        /** The object is gone, or was re-created since the render (another uid): nothing written. */
        SKIPPED,
        /** The API server refused the request for lack of RBAC permission (HTTP 403). */
        FORBIDDEN,
        /** Any other failure (connection, conflict after retries, invalid status). */
        FAILED,
        /** This replica became the leader and writes status from now on. */
        STARTED_LEADING,
        /** This replica stopped being the leader and writes no more status. */
        STOPPED_LEADING,
        /** Another replica ({@code object} = its identity) is the leader. */
        NEW_LEADER
    }

    /** True for {@link Type#FORBIDDEN} and {@link Type#FAILED}. */
    public boolean isProblem() {
        return type == Type.FORBIDDEN || type == Type.FAILED;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("status ").append(type.name().toLowerCase(java.util.Locale.ROOT));
        if (verb != null) {
            sb.append(": ").append(verb).append(' ').append(resource);
        }
        if (object != null) {
            sb.append(' ').append(object);
        }
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        return sb.toString();
    }
}
