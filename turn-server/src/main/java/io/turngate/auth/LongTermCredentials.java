package io.turngate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The long-term credential key, RFC 8489 §9.2.2: {@code key = MD5(username ":" realm ":" password)}, the key for
 * MESSAGE-INTEGRITY (HMAC-SHA1) in every authenticated TURN request.
 *
 * <p><b>No SASLprep/OpaqueString.</b> RFC 8489 §9.2.2 applies OpaqueString (RFC 8265) to the password and
 * RFC 5389 applied SASLprep; like pion/turn, STUNner and coturn, the strings are used exactly as given (UTF-8 of the
 * Java strings). This only differs for passwords containing characters those profiles map or forbid (e.g. U+00AD);
 * configure such passwords in their prepared form (RFC 5769 §2.4: {@code TheMatrIX}).
 */
public final class LongTermCredentials {

    private LongTermCredentials() {
    }

    /** The 16-byte key {@code MD5(username ":" realm ":" password)} over the UTF-8 bytes of the strings. */
    public static byte[] key(String username, String realm, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(password, "password");
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(username.getBytes(StandardCharsets.UTF_8));
            md5.update((byte) ':');
            md5.update(realm.getBytes(StandardCharsets.UTF_8));
            md5.update((byte) ':');
            md5.update(password.getBytes(StandardCharsets.UTF_8));
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
