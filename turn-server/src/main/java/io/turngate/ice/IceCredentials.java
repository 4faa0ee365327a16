package io.turngate.ice;

import io.turngate.auth.EphemeralCredentials;
import io.turngate.config.v1.AuthConfig;

import java.util.Objects;

/**
 * The username and credential a client presents to a gateway, as STUNner's auth service hands them out
 * ({@code internal/handler/ice.go}):
 * <ul>
 *   <li>{@code static}: the configured {@code credentials.username} and {@code credentials.password}; the requested
 *       user id and TTL play no part;</li>
 *   <li>{@code ephemeral} (TURN REST API, draft-uberti-behave-turn-rest-00 §2.2): username
 *       {@code "<now + ttl>:<user id>"}, with the colon kept when the user id is empty ({@code "1681486023:"}),
 *       as STUNner's {@code GenerateTimeWindowedUsername} writes it; credential
 *       {@link EphemeralCredentials#password base64(HMAC-SHA1(credentials.secret, username))};</li>
 *   <li>{@code none}: empty username and credential (the gateway answers TURN requests with 400 anyway).</li>
 * </ul>
 * {@link #toString()} never prints the credential.
 *
 * @param username   the USERNAME to send
 * @param credential the password
 */
public record IceCredentials(String username, String credential) {
    /** The auth service's default lifetime of ephemeral credentials: one day ({@code config.DefaultTimeout}). */
    public static final long DEFAULT_TTL_SECONDS = 86_400;

    /**
     * The longest TTL whose arithmetic the auth service gets right: it multiplies the TTL into a Go
     * {@code time.Duration} (int64 nanoseconds), which wraps beyond this many seconds (about 292 years).
     */
    public static final long MAX_TTL_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    public IceCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(credential, "credential");
    }

    /**
     * What {@code auth} lacks for its type, or {@code null} when credentials can be made: static needs
     * {@code credentials.username} and {@code credentials.password}, ephemeral {@code credentials.secret}. A
     * validated config never lacks them; the auth service skips such a config.
     */
    public static String problem(AuthConfig auth) {
        if (auth == null || auth.type() == null) {
            return "no auth type (expected: static, ephemeral or none)";
        }
        switch (auth.type()) {
            case STATIC:
                return auth.credential("username") == null || auth.credential("password") == null
                        ? "auth type static without credentials.username or credentials.password" : null;
            case EPHEMERAL:
                return auth.credential("secret") == null ? "auth type ephemeral without credentials.secret" : null;
            default:
                return null;
        }
    }

    /**
     * The credentials for {@code auth}.
     *
     * @param userId          the user id of an ephemeral username, may be empty
     * @param nowEpochSeconds the current UNIX time
     * @param ttlSeconds      lifetime of an ephemeral username, 0..{@link #MAX_TTL_SECONDS}
     * @throws IllegalArgumentException when {@link #problem(AuthConfig)} is not null, or the TTL is out of range
     */
    public static IceCredentials of(AuthConfig auth, String userId, long nowEpochSeconds, long ttlSeconds) {
        Objects.requireNonNull(userId, "userId");
        String problem = problem(auth);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("ttl " + ttlSeconds + " (expected: 0.." + MAX_TTL_SECONDS + ")");
        }
        switch (auth.type()) {
            case STATIC:
                return new IceCredentials(auth.credential("username"), auth.credential("password"));
            case EPHEMERAL:
                String username = ephemeralUsername(nowEpochSeconds, ttlSeconds, userId);
                return new IceCredentials(username, EphemeralCredentials.password(auth.credential("secret"), username));
            default:
                return new IceCredentials("", "");
        }
    }

    /** {@code "<now + ttl>:<userId>"}, the colon kept for an empty user id. */
    public static String ephemeralUsername(long nowEpochSeconds, long ttlSeconds, String userId) {
        return Math.addExact(nowEpochSeconds, ttlSeconds) + ":" + userId;
    }

    @Override
    public String toString() {
        return "IceCredentials[username=" + username + ", credential=<SECRET>]";
    }
}
