package io.turngate.stun.attr;

import java.util.Arrays;
import java.util.Objects;

/**
 * USERHASH, RFC 8489 §14.4: replaces USERNAME when the server offers username anonymity (the "Username anonymity"
 * security feature bit of the nonce cookie, §9.2.1): {@code SHA-256(OpaqueString(username) ":"
 * OpaqueString(realm))}, so the username never crosses the wire in clear. Exactly 32 bytes. Equality compares
 * contents; the array is not copied.
 *
 * @param hash the 32-byte hash
 */
public record UserHash(byte[] hash) implements StunAttribute {

    /** Value length on the wire. */
    public static final int LENGTH = 32;

    public UserHash {
        Objects.requireNonNull(hash, "hash");
        if (hash.length != LENGTH) {
            throw new IllegalArgumentException("USERHASH length: found " + hash.length + " (expected: " + LENGTH
                    + ")");
        }
    }

    @Override
    public int type() {
        return AttributeType.USERHASH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserHash && Arrays.equals(hash, ((UserHash) o).hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "UserHash[32 bytes]";
    }
}
