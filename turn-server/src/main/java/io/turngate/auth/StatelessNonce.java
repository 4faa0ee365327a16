package io.turngate.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Stateless NONCE values for the long-term credential mechanism (RFC 8489 §9.2, §14.10), in the style of pion/turn
 * ({@code internal/server/nonce.go}) and coturn's {@code --stateless-nonce}: the nonce carries its own issue time and
 * an HMAC-SHA256 over (client IP, client port, issue time, security features, epoch) keyed by a per-process random
 * secret. Nothing is stored per client, so spoofed request floods cost no memory, and a nonce captured from one
 * client is useless from another address.
 *
 * <p><b>Nonce cookie</b> (RFC 8489 §9.2, §9.2.1): every nonce starts with {@code "obMatJos2"} and the 4-character
 * base64 of the 24-bit STUN Security Features set (§18.1; bit 0, "Password algorithms", is the most significant bit
 * of the first byte: {@link #PASSWORD_ALGORITHMS}; bit 1 "Username anonymity": {@link #USERNAME_ANONYMITY}). The MAC
 * covers the features, so a nonce whose bits were cleared on the way (a bid-down attempt) is {@link Validity#INVALID},
 * and once {@link #check} says {@link Validity#VALID}, {@link #features} is what this server offered.
 *
 * <p><b>Epoch</b>: a 32-bit value the caller binds the nonce to (turngate: the generation of the client's 5-tuple's
 * allocation, so a request signed with a nonce from before its allocation was deleted is stale, RFC 8656 §5); a nonce
 * checked against another epoch is {@link Validity#STALE}.
 *
 * <p>Format: the 13-character nonce cookie, 16 lower-case hex digits of the issue time in milliseconds, 8 of the
 * epoch, then 32 of the first 16 bytes of the MAC ({@value #LENGTH} printable ASCII characters, no quotes or
 * backslashes; RFC 8489 §14.10 allows up to 127).
 *
 * <p>Immutable and thread-safe: every call creates its own {@link Mac}. The secret is never logged.
 */
public final class StatelessNonce {

    /** Default nonce lifetime: one hour, as pion/turn (STUNner). */
    public static final long DEFAULT_LIFETIME_MILLIS = 3_600_000L;
    /** Length of an issued nonce in characters. */
    public static final int LENGTH = 69;
    /** RFC 8489 §9.2: the first 9 characters of the nonce cookie. */
    public static final String COOKIE = "obMatJos2";
    /** Security feature bit 0, "Password algorithms" (RFC 8489 §18.1), as a 24-bit set. */
    public static final int PASSWORD_ALGORITHMS = 0x80_0000;
    /** Security feature bit 1, "Username anonymity" (RFC 8489 §18.1), as a 24-bit set. */
    public static final int USERNAME_ANONYMITY = 0x40_0000;

    private static final int COOKIE_CHARS = 13;
    private static final int TIMESTAMP_CHARS = 16;
    private static final int EPOCH_CHARS = 8;
    private static final int MAC_OFFSET = COOKIE_CHARS + TIMESTAMP_CHARS + EPOCH_CHARS;
    private static final int MAC_BYTES = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String ALGORITHM = "HmacSHA256";

    /** Outcome of {@link #check}. */
    public enum Validity {
        /** Issued by this instance for this client and not older than the lifetime. */
        VALID,
        /**
         * Issued by this instance for this client but expired, or for another epoch: answer 438 Stale Nonce with a
         * fresh nonce.
         */
        STALE,
        /** Not issued by this instance, for another client address, or malformed. */
        INVALID
    }

    private final SecretKeySpec key;
    private final LongSupplier clockMillis;
    private final long lifetimeMillis;

    /**
     * @param secret         HMAC key, at least 16 bytes (copied)
     * @param clockMillis    wall or monotonic clock in milliseconds, e.g. {@code System::currentTimeMillis}
     * @param lifetimeMillis how long a nonce stays {@link Validity#VALID}, &gt; 0
     */
    public StatelessNonce(byte[] secret, LongSupplier clockMillis, long lifetimeMillis) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 16) {
            throw new IllegalArgumentException("nonce secret: found " + secret.length
                    + " bytes (expected: at least 16)");
        }
        if (lifetimeMillis <= 0) {
            throw new IllegalArgumentException("nonce lifetime: found " + lifetimeMillis + " ms (expected: > 0)");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.lifetimeMillis = lifetimeMillis;
    }

    /** An instance with a fresh 32-byte secret from {@link SecureRandom} (one per process/server). */
    public static StatelessNonce withRandomSecret(LongSupplier clockMillis, long lifetimeMillis) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new StatelessNonce(secret, clockMillis, lifetimeMillis);
    }

    /** A new nonce for {@code client} without security features, epoch 0. */
    public String issue(InetSocketAddress client) {
        return issue(client, 0, 0);
    }

    /**
     * A new nonce for {@code client}, stamped with the current time.
     *
     * @param features the 24-bit security feature set, e.g. {@link #PASSWORD_ALGORITHMS}
     * @param epoch    what {@link #check} must be given for the nonce to be valid
     */
    public String issue(InetSocketAddress client, int features, int epoch) {
        if ((features & ~0xFF_FFFF) != 0) {
            throw new IllegalArgumentException("security features: found 0x" + Integer.toHexString(features)
                    + " (expected: 24 bits)");
        }
        long now = clockMillis.getAsLong();
        byte[] mac = mac(client, now, features, epoch);
        char[] out = new char[LENGTH];
        COOKIE.getChars(0, COOKIE.length(), out, 0);
        String bits = Base64.getEncoder().encodeToString(
                new byte[] {(byte) (features >>> 16), (byte) (features >>> 8), (byte) features});
        bits.getChars(0, 4, out, COOKIE.length());
        for (int i = 0; i < TIMESTAMP_CHARS; i++) {
            out[COOKIE_CHARS + i] = HEX[(int) (now >>> (60 - 4 * i)) & 0xF];
        }
        for (int i = 0; i < EPOCH_CHARS; i++) {
            out[COOKIE_CHARS + TIMESTAMP_CHARS + i] = HEX[(epoch >>> (28 - 4 * i)) & 0xF];
        }
        for (int i = 0; i < MAC_BYTES; i++) {
            out[MAC_OFFSET + 2 * i] = HEX[(mac[i] >> 4) & 0xF];
            out[MAC_OFFSET + 2 * i + 1] = HEX[mac[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * The 24-bit security feature set of the nonce cookie that starts {@code nonce} (RFC 8489 §9.2), or -1 if it does
     * not start with one. Authentic only for a nonce {@link #check} found {@link Validity#VALID}.
     */
    public static int features(String nonce) {
        if (nonce == null || nonce.length() < COOKIE_CHARS || !nonce.startsWith(COOKIE)) {
            return -1;
        }
        byte[] bits;
        try {
            bits = Base64.getDecoder().decode(nonce.substring(COOKIE.length(), COOKIE_CHARS));
        } catch (IllegalArgumentException notBase64) {
            return -1;
        }
        return ((bits[0] & 0xFF) << 16) | ((bits[1] & 0xFF) << 8) | (bits[2] & 0xFF);
    }

    /** {@link #check(String, InetSocketAddress, int)} for epoch 0. */
    public Validity check(String nonce, InetSocketAddress client) {
        return check(nonce, client, 0);
    }

    /**
     * Checks a nonce received from {@code client}: {@link Validity#INVALID} unless it has the right format and its MAC
     * matches (constant-time compare) for this client's IP and port and the cookie's features; then
     * {@link Validity#STALE} if it is older than the lifetime (or further in the future than the lifetime, after a
     * clock jump) or was issued for another epoch than {@code epoch}, else {@link Validity#VALID}.
     */
    public Validity check(String nonce, InetSocketAddress client, int epoch) {
        if (nonce == null || client == null || client.getAddress() == null || nonce.length() != LENGTH) {
            return Validity.INVALID;
        }
        int features = features(nonce);
        if (features < 0) {
            return Validity.INVALID;
        }
        long issued = 0;
        for (int i = 0; i < TIMESTAMP_CHARS; i++) {
            int d = hexValue(nonce.charAt(COOKIE_CHARS + i));
            if (d < 0) {
                return Validity.INVALID;
            }
            issued = (issued << 4) | d;
        }
        int issuedEpoch = 0;
        for (int i = 0; i < EPOCH_CHARS; i++) {
            int d = hexValue(nonce.charAt(COOKIE_CHARS + TIMESTAMP_CHARS + i));
            if (d < 0) {
                return Validity.INVALID;
            }
            issuedEpoch = (issuedEpoch << 4) | d;
        }
        byte[] received = new byte[MAC_BYTES];
        for (int i = 0; i < MAC_BYTES; i++) {
            int hi = hexValue(nonce.charAt(MAC_OFFSET + 2 * i));
            int lo = hexValue(nonce.charAt(MAC_OFFSET + 2 * i + 1));
            if (hi < 0 || lo < 0) {
                return Validity.INVALID;
            }
            received[i] = (byte) ((hi << 4) | lo);
        }
        byte[] expected = mac(client, issued, features, issuedEpoch);
        byte[] truncated = new byte[MAC_BYTES];
        System.arraycopy(expected, 0, truncated, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(truncated, received)) {
            return Validity.INVALID;
        }
        if (issuedEpoch != epoch) {
            return Validity.STALE;
        }
        long age = clockMillis.getAsLong() - issued;
        return age > lifetimeMillis || age < -lifetimeMillis ? Validity.STALE : Validity.VALID;
    }

    /** HMAC-SHA256(secret, len(ip) || ip || port || timestamp || features (3 bytes) || epoch (4 bytes)). */
    private byte[] mac(InetSocketAddress client, long timestamp, int features, int epoch) {
        Objects.requireNonNull(client, "client");
        if (client.getAddress() == null) {
            throw new IllegalArgumentException("client: found unresolved " + client + " (expected: an IP address)");
        }
        byte[] ip = client.getAddress().getAddress();
        int port = client.getPort();
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((byte) ip.length);
            mac.update(ip);
            mac.update((byte) (port >>> 8));
            mac.update((byte) port);
            for (int i = 56; i >= 0; i -= 8) {
                mac.update((byte) (timestamp >>> i));
            }
            mac.update((byte) (features >>> 16));
            mac.update((byte) (features >>> 8));
            mac.update((byte) features);
            for (int i = 24; i >= 0; i -= 8) {
                mac.update((byte) (epoch >>> i));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }

    /** Lower-case hex digit value, or -1 (upper case is rejected: nonces are compared as issued). */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
