package io.turngate.config.k8s.status;

/**
 * Receives the writer's {@link StatusEvent}s: stunner-config has no logging framework, so the caller decides where
 * RBAC denials and failures go. Called on the writer's thread or the leader elector's; must not block.
 */
@FunctionalInterface
public interface StatusListener {
    void onEvent(StatusEvent event);

    /**
     * Logs through {@link System.Logger} (as the rest of stunner-config does): problems at WARNING, leadership at
     * INFO, writes at DEBUG, unchanged and skipped objects at TRACE.
     */
    StatusListener LOGGING = new StatusListener() {
        private final System.Logger log = System.getLogger(KubernetesStatusPublisher.class.getName());

        @Override
        public void onEvent(StatusEvent e) {
            System.Logger.Level level = switch (e.type()) {
                case FORBIDDEN, FAILED -> System.Logger.Level.WARNING;
                case STARTED_LEADING, STOPPED_LEADING, NEW_LEADER -> System.Logger.Level.INFO;
                case WRITTEN -> System.Logger.Level.DEBUG;
                default -> System.Logger.Level.TRACE;
            };
            if (log.isLoggable(level)) {
                log.log(level, e.toString());
            }
        }
    };
}
