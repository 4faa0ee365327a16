package io.turngate.turn;

/**
 * An expected refusal of a request: the wire code comes from {@link Refusal}, the detail is for the log only (it
 * never goes on the wire, so it may name listeners and peers). Carries no stack trace.
 */
public final class TurnFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final Refusal refusal;

    public TurnFailure(Refusal refusal, String detail) {
        super(detail, null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }

    public String detail() {
        return getMessage();
    }
}
