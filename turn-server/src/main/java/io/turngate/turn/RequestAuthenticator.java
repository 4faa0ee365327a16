package io.turngate.turn;

import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.stun.IntegrityAlgorithm;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunMessage;
import io.turngate.stun.attr.MessageIntegritySha256;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UserHash;
import io.turngate.stun.attr.Username;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The long-term credential mechanism (RFC 8489 §9.2) with STUNner's two credential kinds (stunner-compat §1d):
 * {@code static} (one username/password) and {@code ephemeral} (TURN REST: timestamped username, password =
 * base64(HMAC-SHA1(secret, username))), and RFC 8489's additions: password algorithms with bid-down protection,
 * MESSAGE-INTEGRITY-SHA256 and USERHASH. The auth config is a volatile snapshot read on every request, so credential
 * and realm changes apply without touching sockets or allocations.
 *
 * <p><b>Challenges</b> (401, 438) carry REALM, a fresh NONCE and PASSWORD-ALGORITHMS ({@link IntegrityPolicy#offer}:
 * SHA-256, MD5). The nonce starts with the nonce cookie (§9.2.1) whose "Password algorithms" bit is always set and
 * whose "Username anonymity" bit is set for {@code static} auth only; the cookie is covered by the nonce's MAC
 * ({@link StatelessNonce}), so bits removed on the way make the nonce invalid (438), never a request answered as if
 * they had not been offered.
 *
 * <p><b>Order of checks</b> (pion/turn's for the RFC 5389 part, which STUNner inherits): neither integrity
 * attribute → 401; USERNAME/USERHASH, REALM or NONCE missing → 400; nonce invalid, expired, for another client or
 * another allocation epoch, or realm not the current one → 438; then RFC 8489 §9.2.4's password-algorithm checks
 * (→ 400, {@link Refusal#AUTH_ALGORITHM_MISMATCH}): a request with neither PASSWORD-ALGORITHM nor
 * PASSWORD-ALGORITHMS is processed as MD5 (browsers: exactly as before), otherwise both must be present,
 * PASSWORD-ALGORITHMS must equal the offer and PASSWORD-ALGORITHM must be one of it; the policy
 * ({@code sha256-required}: 401 with the offer); USERHASH (→ 400 unless offered); unknown user, expired ephemeral
 * username, bad integrity → 400 (STUNner's codes; RFC 8489 says 401).
 *
 * <p><b>Integrity</b>: MESSAGE-INTEGRITY-SHA256 is verified when present (it wins over MESSAGE-INTEGRITY when both are,
 * §9.2.4), else MESSAGE-INTEGRITY; the key is the password algorithm's (MD5: 16 bytes, SHA-256: 32 bytes,
 * {@link LongTermCredentials}). Responses are signed with the attribute the request was verified with
 * ({@link Authenticated#integrity}). Truncated MESSAGE-INTEGRITY-SHA256 is refused (§14.6: only where the usage
 * allows it; RFC 8656 does not).
 *
 * <p><b>USERHASH</b> (§14.4): for {@code static} auth the server finds the user by
 * {@code SHA-256(OpaqueString(username) ":" OpaqueString(realm))} in a map computed with each config snapshot (so a
 * reload rebuilds it). For {@code ephemeral} (TURN REST) auth it cannot: the password is HMAC(secret, username), so
 * without the username there is no key to check, and the expiry is in the username too; the server would have to
 * hash every possible username. So ephemeral nonces do not set the "Username anonymity" bit, RFC 8489 §9.2.5 then
 * requires USERNAME, and a request with USERHASH anyway is refused with 400 ({@link Refusal#AUTH_USERHASH_REFUSED}).
 *
 * <p>turngate extension for secret rotation: besides {@code secret}, every credential key that starts with
 * {@code secret} (e.g. {@code secret-previous}) is also accepted for ephemeral auth. STUNner ignores such extra keys.
 */
public final class RequestAuthenticator {
    /** Nonce lifetime, as pion/turn (1 h). */
    public static final long DEFAULT_NONCE_LIFETIME_MILLIS = 3_600_000L;

    private final StatelessNonce nonces;
    private final LongSupplier wallClockMillis;
    private final IntegrityPolicy policy;
    private volatile Snapshot snapshot;

    public RequestAuthenticator(AuthConfig auth, StatelessNonce nonces, LongSupplier wallClockMillis) {
        this(auth, nonces, wallClockMillis, IntegrityPolicy.SHA1_ALLOWED);
    }

    public RequestAuthenticator(AuthConfig auth, StatelessNonce nonces, LongSupplier wallClockMillis,
                                IntegrityPolicy policy) {
        this.nonces = nonces;
        this.wallClockMillis = wallClockMillis;
        this.policy = Objects.requireNonNull(policy, "policy");
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

    public IntegrityPolicy policy() {
        return policy;
    }

    /** The security features this server's nonces offer (RFC 8489 §9.2.1, §18.1). */
    public int features() {
        return snapshot.type == AuthType.STATIC
                ? StatelessNonce.PASSWORD_ALGORITHMS | StatelessNonce.USERNAME_ANONYMITY
                : StatelessNonce.PASSWORD_ALGORITHMS;
    }

    /** A fresh nonce for a 401/438 challenge to {@code client}, bound to allocation epoch 0. */
    public String issueNonce(InetSocketAddress client) {
        return issueNonce(client, 0);
    }

    /** A fresh nonce for a 401/438 challenge to {@code client}, bound to {@code epoch}. */
    public String issueNonce(InetSocketAddress client, int epoch) {
        return nonces.issue(client, features(), epoch);
    }

    /** REALM, a fresh NONCE and PASSWORD-ALGORITHMS: what a 401 or 438 carries (RFC 8489 §9.2.4). */
    public List<StunAttribute> challenge(InetSocketAddress client, int epoch) {
        return List.of(new Realm(snapshot.realm), new Nonce(issueNonce(client, epoch)), policy.offer());
    }

    /**
     * Outcome of a successful check: who, and the key and integrity attribute for the response.
     *
     * @param integrity what the request was verified with, hence what signs the response (RFC 8489 §9.2.4)
     */
    public record Authenticated(String username, byte[] key, IntegrityAlgorithm integrity) {
        public Authenticated(String username, byte[] key) {
            this(username, key, IntegrityAlgorithm.SHA1);
        }

        @Override
        public String toString() {
            return "Authenticated[username=" + username + ", " + integrity + "]";
        }
    }

    /** {@link #authenticate(ReceivedStun, InetSocketAddress, int)} for allocation epoch 0. */
    public Authenticated authenticate(ReceivedStun request, InetSocketAddress client) throws TurnFailure {
        return authenticate(request, client, 0);
    }

    /**
     * Authenticates one request.
     *
     * @param epoch the allocation epoch of the client's 5-tuple the nonce must have been issued for
     * @throws TurnFailure with the {@link Refusal} that decides the wire error
     */
    public Authenticated authenticate(ReceivedStun request, InetSocketAddress client, int epoch) throws TurnFailure {
        Snapshot s = snapshot;
        if (s.type == AuthType.NONE) {
            throw new TurnFailure(Refusal.AUTH_TURN_DISABLED, "auth type none: TURN disabled on this listener");
        }
        if (!request.hasIntegrity() && !request.hasIntegritySha256()) {
            throw new TurnFailure(Refusal.AUTH_MISSING_INTEGRITY, "no MESSAGE-INTEGRITY(-SHA256)");
        }
        StunMessage m = request.message();
        Username username = m.attribute(Username.class);
        UserHash userHash = m.attribute(UserHash.class);
        Realm realm = m.attribute(Realm.class);
        Nonce nonce = m.attribute(Nonce.class);
        if ((username == null && userHash == null) || realm == null || nonce == null) {
            throw new TurnFailure(Refusal.AUTH_MISSING_ATTRIBUTES, "USERNAME/USERHASH, REALM or NONCE missing");
        }
        if (nonces.check(nonce.value(), client, epoch) != StatelessNonce.Validity.VALID) {
            throw new TurnFailure(Refusal.AUTH_STALE_NONCE, "stale or invalid nonce");
        }
        if (!s.realm.equals(realm.value())) {
            throw new TurnFailure(Refusal.AUTH_STALE_NONCE, "realm is not the current one");
        }
        int features = StatelessNonce.features(nonce.value()); // authentic: the nonce's MAC covers it
        int algorithm = passwordAlgorithm(m, features);
        IntegrityAlgorithm integrity = request.hasIntegritySha256() ? IntegrityAlgorithm.SHA256 : IntegrityAlgorithm.SHA1;
        if (integrity == IntegrityAlgorithm.SHA256
                && request.integritySha256Length() != MessageIntegritySha256.LENGTH) {
            throw new TurnFailure(Refusal.AUTH_TRUNCATED_INTEGRITY, "MESSAGE-INTEGRITY-SHA256 truncated to "
                    + request.integritySha256Length() + " bytes");
        }
        if (m.attribute(PasswordAlgorithm.class) != null && integrity != IntegrityAlgorithm.SHA256) {
            throw new TurnFailure(Refusal.AUTH_ALGORITHM_MISMATCH,
                    "PASSWORD-ALGORITHM chosen but signed with MESSAGE-INTEGRITY only");
        }
        if (policy == IntegrityPolicy.SHA256_REQUIRED
                && (algorithm != PasswordAlgorithm.SHA256 || integrity != IntegrityAlgorithm.SHA256)) {
            throw new TurnFailure(Refusal.AUTH_SHA256_REQUIRED, "--integrity sha256-required: signed with "
                    + integrity + " over the " + (algorithm == PasswordAlgorithm.SHA256 ? "SHA-256" : "MD5") + " key");
        }
        String user;
        if (userHash != null) {
            if (username != null) {
                throw new TurnFailure(Refusal.AUTH_USERHASH_REFUSED, "both USERNAME and USERHASH");
            }
            if ((features & StatelessNonce.USERNAME_ANONYMITY) == 0) {
                throw new TurnFailure(Refusal.AUTH_USERHASH_REFUSED,
                        "USERHASH without username anonymity in the nonce (" + s.type + " auth)");
            }
            user = s.usersByHash.get(ByteBuffer.wrap(userHash.hash()));
            if (user == null) {
                throw new TurnFailure(Refusal.AUTH_UNKNOWN_USER, "unknown USERHASH");
            }
        } else {
            user = username.value();
        }
        if (s.type == AuthType.STATIC) {
            if (!user.equals(s.username)) {
                throw new TurnFailure(Refusal.AUTH_UNKNOWN_USER, "unknown user " + printable(user));
            }
            byte[] key = algorithm == PasswordAlgorithm.SHA256 ? s.staticKeySha256 : s.staticKey;
            if (!request.verify(integrity, key)) {
                throw new TurnFailure(Refusal.AUTH_BAD_INTEGRITY, integrity + " check failed for user "
                        + printable(user));
            }
            return new Authenticated(user, key, integrity);
        }
        OptionalLong expiry = EphemeralCredentials.expiry(user);
        if (expiry.isEmpty()) {
            throw new TurnFailure(Refusal.AUTH_EXPIRED_CREDENTIAL, "ephemeral username without a timestamp: " + printable(user));
        }
        if (expiry.getAsLong() * 1000 < wallClockMillis.getAsLong()) {
            throw new TurnFailure(Refusal.AUTH_EXPIRED_CREDENTIAL, "expired time-windowed username " + printable(user));
        }
        for (String secret : s.secrets) {
            byte[] key = LongTermCredentials.key(algorithm, user, s.realm, EphemeralCredentials.password(secret, user));
            if (request.verify(integrity, key)) {
                return new Authenticated(user, key, integrity);
            }
        }
        throw new TurnFailure(Refusal.AUTH_BAD_INTEGRITY, integrity + " check failed for user " + printable(user));
    }

    /**
     * RFC 8489 §9.2.4, for a nonce whose cookie has the "Password algorithms" bit (all of this server's): neither
     * PASSWORD-ALGORITHM nor PASSWORD-ALGORITHMS → MD5; otherwise both, PASSWORD-ALGORITHMS equal to the offer (the
     * one "sent in the response that sent this NONCE": the offer is fixed for the gateway's life), and
     * PASSWORD-ALGORITHM one of its entries, else 400.
     */
    private int passwordAlgorithm(StunMessage m, int features) throws TurnFailure {
        PasswordAlgorithm chosen = m.attribute(PasswordAlgorithm.class);
        PasswordAlgorithms echoed = m.attribute(PasswordAlgorithms.class);
        if (chosen == null && echoed == null) {
            return PasswordAlgorithm.MD5;
        }
        if ((features & StatelessNonce.PASSWORD_ALGORITHMS) == 0) {
            throw new TurnFailure(Refusal.AUTH_ALGORITHM_MISMATCH, "password algorithm with a nonce that offered none");
        }
        if (chosen == null || echoed == null) {
            throw new TurnFailure(Refusal.AUTH_ALGORITHM_MISMATCH, (chosen == null ? "PASSWORD-ALGORITHM"
                    : "PASSWORD-ALGORITHMS") + " missing");
        }
        if (!echoed.equals(policy.offer())) {
            throw new TurnFailure(Refusal.AUTH_ALGORITHM_MISMATCH, "PASSWORD-ALGORITHMS " + echoed.algorithms()
                    + " is not the offered " + policy.offer().algorithms());
        }
        if (!echoed.contains(chosen)) {
            throw new TurnFailure(Refusal.AUTH_ALGORITHM_MISMATCH, chosen + " is not one of PASSWORD-ALGORITHMS");
        }
        return chosen.algorithm();
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
        final byte[] staticKeySha256;
        /** USERHASH (RFC 8489 §14.4) → username; the static user only (ephemeral users cannot be hashed). */
        final Map<ByteBuffer, String> usersByHash;
        final List<String> secrets;

        Snapshot(AuthConfig auth) {
            this.type = auth.type();
            this.realm = auth.realm();
            Map<String, String> creds = auth.credentials();
            this.username = creds.getOrDefault("username", "");
            String password = creds.getOrDefault("password", "");
            this.staticKey = type == AuthType.STATIC ? LongTermCredentials.key(username, realm, password) : null;
            this.staticKeySha256 = type == AuthType.STATIC
                    ? LongTermCredentials.keySha256(username, realm, password) : null;
            this.usersByHash = type == AuthType.STATIC
                    ? Map.of(ByteBuffer.wrap(LongTermCredentials.userHash(username, realm)), username) : Map.of();
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
