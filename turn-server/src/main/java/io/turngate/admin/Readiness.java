package io.turngate.admin;

/**
 * The daemon's readiness as stunnerd reports it (stunner-compat §1e, §1f): not ready until the first non-zero
 * config has been applied (and turngate's self-warm-up, when on, has ended); {@code TERMINATING} once a shutdown
 * signal arrived (then {@code /ready} answers 503, unless {@code --force-ready-status} keeps it at 200 for
 * kube-proxy's sake). Thread-safe.
 */
public final class Readiness {
    /** {@code /status}'s {@code status} field. */
    public enum State {
        NOT_READY("NOT-READY"), READY("READY"), TERMINATING("TERMINATING");

        private final String wire;

        State(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private final boolean forceReadyStatus;
    private volatile boolean configApplied;
    private volatile boolean terminating;
    private volatile boolean warmedUp = true;

    public Readiness(boolean forceReadyStatus) {
        this.forceReadyStatus = forceReadyStatus;
    }

    /** A non-zero config was applied: ready from now on (until terminating). */
    public void configApplied() {
        configApplied = true;
    }

    /** The self-warm-up started: not ready until {@link #warmedUp()}, whatever config was applied. */
    public void warmingUp() {
        warmedUp = false;
    }

    /** The self-warm-up ended. */
    public void warmedUp() {
        warmedUp = true;
    }

    /** A shutdown signal arrived: readiness fails from now on (unless forced). */
    public void terminating() {
        terminating = true;
    }

    public State state() {
        if (terminating) {
            return State.TERMINATING;
        }
        return configApplied && warmedUp ? State.READY : State.NOT_READY;
    }

    /** What {@code /ready} answers: 200 when ready, or while terminating with {@code --force-ready-status}. */
    public boolean readyForProbes() {
        return configApplied && warmedUp && (!terminating || forceReadyStatus);
    }
}
