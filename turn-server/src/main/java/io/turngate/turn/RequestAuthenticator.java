package io.turngate.turn;

import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.Username;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The long-term credential mechanism (RFC 8489 §9.2) with STUNner's two credential kinds (stunner-compat §1d):
 * {@code static} (one username/password) and {@code ephemeral} (TURN REST: timestamped username, password =
 * base64(HMAC-SHA1(secret, username))). The auth config is a volatile snapshot read on every request, so credential
 * and realm changes apply without touching sockets or allocations.
 *
 * <p>Order of checks (pion/turn's, which STUNner inherits): no MESSAGE-INTEGRITY → 401; USERNAME, REALM or NONCE
 * missing → 400; nonce invalid, expired, for another client, or realm not the current one → 438 (the client learns
 * the fresh NONCE and REALM from it); unknown user, expired ephemeral username, bad integrity → 400.
 *
 * <p>turngate extension for secret rotation: besides {@code secret}, every credential key that starts with
 * {@code secret} (e.g. {@code secret-previous}) is also accepted for ephemeral auth. STUNner ignores such extra keys.
 */
public final class RequestAuthenticator {
    /** Nonce lifetime, as pion/turn (1 h). */
    public static final long DEFAULT_NONCE_LIFETIME_MILLIS = 3_600_000L;

    private final StatelessNonce nonces;
    private final LongSupplier wallClockMillis;
    private volatile Snapshot snapshot;

    public RequestAuthenticator(AuthConfig auth, StatelessNonce nonces, LongSupplier wallClockMillis) {
        this.nonces = nonces;
        this.wallClockMillis = wallClockMillis;
        update(auth);
    }

    /** Swaps in a new auth config; live allocations keep running (see README: "Config changes"). */
    public void update(AuthConfig auth) {
        this.snapshot = new Snapshot(auth);
    }

    public String realm() {
        return snapshot.realm;
    }

    public AuthType type() {
        return snapshot.type;
    }

    /** A fresh nonce for a 401/438 challenge to {@code client}. */
    public String issueNonce(InetSocketAddress client) {
        return nonces.issue(client);
    }

    /** Outcome of a successful check: who, and the key for MESSAGE-INTEGRITY on the response. */
    public record Authenticated(String username, byte[] key) {
        @Override
        public String toString() {
            return "Authenticated[username=" + username + "]";
        }
    }

    /**
     * Authenticates one request.
     *
     * @throws TurnFailure with the {@link Refusal} that decides the wire error
     */
    public Authenticated authenticate(ReceivedStun request, InetSocketAddress client) throws TurnFailure {
        Snapshot s = snapshot;
        if (s.type == AuthType.NONE) {
            throw new TurnFailure(Refusal.AUTH_TURN_DISABLED, "auth type none: TURN disabled on this listener");
        }
        if (!request.hasIntegrity()) {
            throw new TurnFailure(Refusal.AUTH_MISSING_INTEGRITY, "no MESSAGE-INTEGRITY");
        }
        Username username = request.message().attribute(Username.class);
        Realm realm = request.message().attribute(Realm.class);
        Nonce nonce = request.message().attribute(Nonce.class);
        if (username == null || realm == null || nonce == null) {
            throw new TurnFailure(Refusal.AUTH_MISSING_ATTRIBUTES, "USERNAME, REALM or NONCE missing");
        }
        if (nonces.check(nonce.value(), client) != StatelessNonce.Validity.VALID) {
            throw new TurnFailure(Refusal.AUTH_STALE_NONCE, "stale or invalid nonce");
        }
        if (!s.realm.equals(realm.value())) {
            throw new TurnFailure(Refusal.AUTH_STALE_NONCE, "realm is not the current one");
        }
        String user = username.value();
        if (s.type == AuthType.STATIC) {
            if (!user.equals(s.username)) {
                throw new TurnFailure(Refusal.AUTH_UNKNOWN_USER, "unknown user " + printable(user));
            }
            if (!request.verifyIntegrity(s.staticKey)) {
                throw new TurnFailure(Refusal.AUTH_BAD_INTEGRITY, "MESSAGE-INTEGRITY check failed for user " + printable(user));
            }
            return new Authenticated(user, s.staticKey);
        }
        OptionalLong expiry = EphemeralCredentials.expiry(user);
        if (expiry.isEmpty()) {
            throw new TurnFailure(Refusal.AUTH_EXPIRED_CREDENTIAL, "ephemeral username without a timestamp: " + printable(user));
        }
        if (expiry.getAsLong() * 1000 < wallClockMillis.getAsLong()) {
            throw new TurnFailure(Refusal.AUTH_EXPIRED_CREDENTIAL, "expired time-windowed username " + printable(user));
        }
        for (String secret : s.secrets) {
            byte[] key = LongTermCredentials.key(user, s.realm, EphemeralCredentials.password(secret, user));
            if (request.verifyIntegrity(key)) {
                return new Authenticated(user, key);
            }
        }
        throw new TurnFailure(Refusal.AUTH_BAD_INTEGRITY, "MESSAGE-INTEGRITY check failed for user " + printable(user));
    }

    /** Usernames are hostile input: log them escaped and bounded. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7F || c == '"' ? '?' : c);
        }
        return sb.append(s.length() > 64 ? "...\"" : "\"").toString();
    }

    private static final class Snapshot {
        final AuthType type;
        final String realm;
        final String username;
        final byte[] staticKey;
        final List<String> secrets;

        Snapshot(AuthConfig auth) {
            this.type = auth.type();
            this.realm = auth.realm();
            Map<String, String> creds = auth.credentials();
            this.username = creds.getOrDefault("username", "");
            String password = creds.getOrDefault("password", "");
            this.staticKey = type == AuthType.STATIC ? LongTermCredentials.key(username, realm, password) : null;
            List<String> sec = new ArrayList<>();
            if (creds.get("secret") != null) {
                sec.add(creds.get("secret"));
            }
            new TreeMap<>(creds).forEach((k, v) -> {
                if (k.startsWith("secret") && !k.equals("secret") && v != null && !v.isEmpty()) {
                    sec.add(v);
                }
            });
            this.secrets = List.copyOf(sec);
        }
    }
}
