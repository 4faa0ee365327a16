package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * PASSWORD-ALGORITHM, RFC 8489 §14.12: the algorithm (from the "STUN Password Algorithms" registry, §18.5) the
 * client asks the server to derive the long-term key with, and its parameters. Present only in requests.
 *
 * <p>Wire format: algorithm (16 bits), parameters length (16 bits), parameters padded to 4 bytes. The two
 * registered algorithms, MD5 and SHA-256, have empty parameters (§18.5.1). Equality compares contents; the
 * parameters array is not copied.
 *
 * @param algorithm  the 16-bit algorithm number, e.g. {@link #SHA256}
 * @param parameters the algorithm's parameters, at most 65535 bytes, never {@code null}
 */
public record PasswordAlgorithm(int algorithm, byte[] parameters) implements StunAttribute {

    /** MD5, RFC 8489 §18.5.1.1: the RFC 5389 key, 16 bytes. */
    public static final int MD5 = 0x0001;
    /** SHA-256, RFC 8489 §18.5.1.2: a 32-byte key. */
    public static final int SHA256 = 0x0002;

    private static final byte[] NONE = new byte[0];

    public PasswordAlgorithm {
        if (algorithm < 0 || algorithm > 0xFFFF) {
            throw new IllegalArgumentException("password algorithm: found " + algorithm + " (expected: 0..65535)");
        }
        Objects.requireNonNull(parameters, "parameters");
        if (parameters.length > 0xFFFF) {
            throw new IllegalArgumentException("password algorithm parameters: found " + parameters.length
                    + " bytes (expected: at most 65535)");
        }
    }

    /** An algorithm without parameters (MD5, SHA-256). */
    public static PasswordAlgorithm of(int algorithm) {
        return new PasswordAlgorithm(algorithm, NONE);
    }

    /** Bytes this entry takes in PASSWORD-ALGORITHM(S): 4 + parameters padded to 4. */
    public int encodedLength() {
        return 4 + ((parameters.length + 3) & ~3);
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHM;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordAlgorithm && algorithm == ((PasswordAlgorithm) o).algorithm
                && Arrays.equals(parameters, ((PasswordAlgorithm) o).parameters);
    }

    @Override
    public int hashCode() {
        return algorithm * 31 + Arrays.hashCode(parameters);
    }

    @Override
    public String toString() {
        String name = algorithm == MD5 ? "MD5" : algorithm == SHA256 ? "SHA-256" : String.format("0x%04X", algorithm);
        return "PasswordAlgorithm[" + name + (parameters.length == 0 ? "" : ", " + parameters.length + " bytes") + "]";
    }
}
