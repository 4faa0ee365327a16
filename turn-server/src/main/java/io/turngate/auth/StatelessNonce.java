package io.turngate.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Stateless NONCE values for the long-term credential mechanism (RFC 8489 §9.2, §14.10), in the style of pion/turn
 * ({@code internal/server/nonce.go}) and coturn's {@code --stateless-nonce}: the nonce carries its own issue time and
 * an HMAC-SHA256 over (client IP, client port, issue time) keyed by a per-process random secret. Nothing is stored
 * per client, so spoofed request floods cost no memory, and a nonce captured from one client is useless from another
 * address.
 *
 * <p>Format: 16 lower-case hex digits of the issue time in milliseconds, then 32 lower-case hex digits of the first
 * 16 bytes of the MAC (48 printable ASCII characters, no quotes or backslashes; RFC 8489 §14.10 allows up to 127).
 *
 * <p>Immutable and thread-safe: every call creates its own {@link Mac}. The secret is never logged.
 */
public final class StatelessNonce {

    /** Default nonce lifetime: one hour, as pion/turn (STUNner). */
    public static final long DEFAULT_LIFETIME_MILLIS = 3_600_000L;
    /** Length of an issued nonce in characters. */
    public static final int LENGTH = 48;

    private static final int TIMESTAMP_CHARS = 16;
    private static final int MAC_BYTES = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String ALGORITHM = "HmacSHA256";

    /** Outcome of {@link #check}. */
    public enum Validity {
        /** Issued by this instance for this client and not older than the lifetime. */
        VALID,
        /** Issued by this instance for this client but expired: answer 438 Stale Nonce with a fresh nonce. */
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

    /** A new nonce for {@code client}, stamped with the current time. */
    public String issue(InetSocketAddress client) {
        long now = clockMillis.getAsLong();
        byte[] mac = mac(client, now);
        char[] out = new char[LENGTH];
        for (int i = 0; i < TIMESTAMP_CHARS; i++) {
            out[i] = HEX[(int) (now >>> (60 - 4 * i)) & 0xF];
        }
        for (int i = 0; i < MAC_BYTES; i++) {
            out[TIMESTAMP_CHARS + 2 * i] = HEX[(mac[i] >> 4) & 0xF];
            out[TIMESTAMP_CHARS + 2 * i + 1] = HEX[mac[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * Checks a nonce received from {@code client}: {@link Validity#INVALID} unless it has the right format and its MAC
     * matches (constant-time compare) for this client's IP and port; then {@link Validity#STALE} if it is older than
     * the lifetime (or further in the future than the lifetime, after a clock jump), else {@link Validity#VALID}.
     */
    public Validity check(String nonce, InetSocketAddress client) {
        if (nonce == null || client == null || client.getAddress() == null || nonce.length() != LENGTH) {
            return Validity.INVALID;
        }
        long issued = 0;
        for (int i = 0; i < TIMESTAMP_CHARS; i++) {
            int d = hexValue(nonce.charAt(i));
            if (d < 0) {
                return Validity.INVALID;
            }
            issued = (issued << 4) | d;
        }
        byte[] received = new byte[MAC_BYTES];
        for (int i = 0; i < MAC_BYTES; i++) {
            int hi = hexValue(nonce.charAt(TIMESTAMP_CHARS + 2 * i));
            int lo = hexValue(nonce.charAt(TIMESTAMP_CHARS + 2 * i + 1));
            if (hi < 0 || lo < 0) {
                return Validity.INVALID;
            }
            received[i] = (byte) ((hi << 4) | lo);
        }
        byte[] expected = mac(client, issued);
        byte[] truncated = new byte[MAC_BYTES];
        System.arraycopy(expected, 0, truncated, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(truncated, received)) {
            return Validity.INVALID;
        }
        long age = clockMillis.getAsLong() - issued;
        return age > lifetimeMillis || age < -lifetimeMillis ? Validity.STALE : Validity.VALID;
    }

    /** HMAC-SHA256(secret, len(ip) || ip || port || timestamp). */
    private byte[] mac(InetSocketAddress client, long timestamp) {
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
