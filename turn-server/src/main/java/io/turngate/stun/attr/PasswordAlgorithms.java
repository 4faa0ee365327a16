package io.turngate.stun.attr;

import java.util.List;
import java.util.Objects;

/**
 * PASSWORD-ALGORITHMS, RFC 8489 §14.11: the password algorithms the server supports, in its order of preference.
 * Sent in 401 and 438 responses; a client that picks one repeats the whole list unchanged in its request, so the
 * server can tell the list was not tampered with on the way (bid-down protection, §9.2.1, §9.2.4).
 *
 * <p>Wire format: a sequence of (algorithm, parameters length, parameters padded to 4) entries, the same layout as
 * {@link PasswordAlgorithm}. Each entry is kept as a {@link PasswordAlgorithm} record (type 0x001D is only the
 * record's type, not written here). Comprehension-optional (0x8002).
 *
 * @param algorithms the entries in wire order, at least one
 */
public record PasswordAlgorithms(List<PasswordAlgorithm> algorithms) implements StunAttribute {

    public PasswordAlgorithms {
        algorithms = List.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("PASSWORD-ALGORITHMS: found no algorithm (expected: at least one)");
        }
    }

    /** Entries without parameters, e.g. {@code of(SHA256, MD5)}. */
    public static PasswordAlgorithms of(int... algorithms) {
        PasswordAlgorithm[] entries = new PasswordAlgorithm[algorithms.length];
        for (int i = 0; i < algorithms.length; i++) {
            entries[i] = PasswordAlgorithm.of(algorithms[i]);
        }
        return new PasswordAlgorithms(List.of(entries));
    }

    /** Whether {@code algorithm} (number and parameters) is one of the entries. */
    public boolean contains(PasswordAlgorithm algorithm) {
        return algorithms.contains(algorithm);
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHMS;
    }
}
