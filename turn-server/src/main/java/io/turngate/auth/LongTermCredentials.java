package io.turngate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The long-term credential keys of RFC 8489 §9.2.2 and §18.5.1, and the USERHASH of §14.4.
 *
 * <ul>
 *   <li>{@link #key} (password algorithm MD5, §18.5.1.1): {@code MD5(username ":" realm ":" password)}, the RFC 5389
 *       key every browser uses.</li>
 *   <li>{@link #keySha256} (password algorithm SHA-256, §18.5.1.2): {@code SHA-256(username ":"
 *       OpaqueString(realm) ":" OpaqueString(password))}, 32 bytes.</li>
 *   <li>{@link #userHash} (§14.4): {@code SHA-256(OpaqueString(username) ":" OpaqueString(realm))}.</li>
 * </ul>
 * The username is used as it came in USERNAME (§9.2.2: "in which case OpaqueString has already been applied" by
 * the client).
 *
 * <p><b>MD5 key: no SASLprep/OpaqueString.</b> RFC 5389 applied SASLprep and RFC 8489 OpaqueString to realm and
 * password; like pion/turn, STUNner and coturn, the MD5 key uses the strings exactly as given (UTF-8 of the Java
 * strings), so the RFC 5389 path of browsers is what it always was. The SHA-256 key and USERHASH, which no deployed
 * client computed before, follow RFC 8489 and prepare with {@link OpaqueString} (exact for ASCII; see there).
 * Either way configure passwords in their prepared form (RFC 5769 §2.4: {@code TheMatrIX}).
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

    /**
     * The 32-byte key {@code SHA-256(username ":" OpaqueString(realm) ":" OpaqueString(password))}, RFC 8489
     * §18.5.1.2, over UTF-8. A realm or password the profile refuses (empty, control characters) is used as given.
     */
    public static byte[] keySha256(String username, String realm, String password) {
        Objects.requireNonNull(username, "username");
        return sha256(username + ":" + OpaqueString.prepareOrSelf(realm) + ":"
                + OpaqueString.prepareOrSelf(password));
    }

    /** The key of password algorithm {@code algorithm} (RFC 8489 §18.5: 0x0001 MD5, 0x0002 SHA-256). */
    public static byte[] key(int algorithm, String username, String realm, String password) {
        switch (algorithm) {
            case 0x0001:
                return key(username, realm, password);
            case 0x0002:
                return keySha256(username, realm, password);
            default:
                throw new IllegalArgumentException("password algorithm: found 0x"
                        + String.format("%04X", algorithm) + " (expected: 0x0001 MD5 or 0x0002 SHA-256)");
        }
    }

    /** USERHASH, RFC 8489 §14.4: {@code SHA-256(OpaqueString(username) ":" OpaqueString(realm))}, 32 bytes. */
    public static byte[] userHash(String username, String realm) {
        return sha256(OpaqueString.prepareOrSelf(username) + ":" + OpaqueString.prepareOrSelf(realm));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
