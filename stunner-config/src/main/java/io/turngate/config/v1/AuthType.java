package io.turngate.config.v1;

/**
 * stunnerd auth type. Values are matched case-sensitively, as stunnerd does: {@code static} (alias
 * {@code plaintext}), {@code ephemeral} (alias {@code longterm}) and {@code none}. {@code timewindowed} is an
 * operator-level alias only and is rejected here, like stunnerd rejects it.
 */
public enum AuthType {
    STATIC("static"),
    EPHEMERAL("ephemeral"),
    NONE("none");

    /** Expected values, for error messages. */
    public static final String EXPECTED = "static, plaintext, ephemeral, longterm, none";

    private final String wireName;

    AuthType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a dataplane auth type (case-sensitive); {@code null} when not accepted. */
    public static AuthType parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s) {
            case "static": case "plaintext": return STATIC;
            case "ephemeral": case "longterm": return EPHEMERAL;
            case "none": return NONE;
            default: return null;
        }
    }

    @Override
    public String toString() {
        return wireName;
    }
}
