package io.turngate.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Time-windowed ("ephemeral") credentials of the TURN REST API (draft-uberti-behave-turn-rest-00 §2.2), with
 * STUNner's username rules (stunner-compat §1d):
 * <ul>
 *   <li>username: colon-separated fields; the <em>first</em> field that parses as an integer is the expiry UNIX
 *       timestamp in seconds, in any position ({@code 1700000000:alice}, {@code alice:1700000000},
 *       {@code 1700000000});</li>
 *   <li>password = base64(HMAC-SHA1(key = shared secret, message = the whole username)), standard base64 with
 *       padding;</li>
 *   <li>the MESSAGE-INTEGRITY key is then the ordinary long-term key,
 *       {@link LongTermCredentials#key}(username, realm, password).</li>
 * </ul>
 * Expiry checks ({@code expiry < now} → reject) are the caller's, which owns the clock.
 */
public final class EphemeralCredentials {

    private EphemeralCredentials() {
    }

    /**
     * The expiry timestamp (UNIX seconds) in {@code username}: the first colon-separated field that is an optional
     * sign followed by ASCII digits and fits in a {@code long} (as Go's {@code strconv.Atoi}, used by STUNner).
     *
     * @return empty if no field is an integer, or the integer is 0
     */
    public static OptionalLong expiry(String username) {
        Objects.requireNonNull(username, "username");
        int from = 0;
        while (from <= username.length()) {
            int colon = username.indexOf(':', from);
            int to = colon < 0 ? username.length() : colon;
            if (isInteger(username, from, to)) {
                try {
                    long value = Long.parseLong(username.substring(from, to));
                    return value == 0 ? OptionalLong.empty() : OptionalLong.of(value);
                } catch (NumberFormatException overflow) {
                    // out of range for a long: not an integer field, keep looking (Atoi fails the same way)
                }
            }
            if (colon < 0) {
                break;
            }
            from = colon + 1;
        }
        return OptionalLong.empty();
    }

    /** The password for {@code username}: base64(HMAC-SHA1(secret, username)), UTF-8 for both strings. */
    public static String password(String secret, String username) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(username, "username");
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty secret is a valid HMAC key but SecretKeySpec rejects it; HMAC pads keys with zeros, so one
            // zero byte yields the same MAC.
            mac.init(new SecretKeySpec(secretBytes.length == 0 ? new byte[1] : secretBytes, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /**
     * The user id for quotas and logs: the part after the timestamp when the username is exactly
     * {@code timestamp:userid}, otherwise the whole username.
     */
    public static String userId(String username) {
        Objects.requireNonNull(username, "username");
        int colon = username.indexOf(':');
        if (colon < 0 || username.indexOf(':', colon + 1) >= 0) {
            return username;
        }
        if (!isInteger(username, 0, colon)) {
            return username;
        }
        try {
            Long.parseLong(username.substring(0, colon));
        } catch (NumberFormatException overflow) {
            return username;
        }
        return username.substring(colon + 1);
    }

    /** Optional '+'/'-' then at least one ASCII digit. */
    private static boolean isInteger(String s, int from, int to) {
        int i = from;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i >= to) {
            return false;
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
