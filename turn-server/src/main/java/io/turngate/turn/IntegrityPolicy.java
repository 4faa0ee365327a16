package io.turngate.turn;

import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;

import java.util.Locale;

/**
 * Which long-term credential integrity a gateway accepts ({@code --integrity}, all listeners). Both offer RFC 8489's
 * password algorithms in every 401 and 438 (PASSWORD-ALGORITHMS, §9.2.4), SHA-256 first.
 */
public enum IntegrityPolicy {
    /**
     * The default: RFC 5389 clients (every browser) authenticate with MESSAGE-INTEGRITY over the MD5 key, RFC 8489
     * clients with PASSWORD-ALGORITHM MD5 or SHA-256 and MESSAGE-INTEGRITY-SHA256. Offer: SHA-256, MD5.
     */
    SHA1_ALLOWED("sha1-allowed", PasswordAlgorithms.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)),
    /**
     * Only PASSWORD-ALGORITHM SHA-256 with MESSAGE-INTEGRITY-SHA256. Offer: SHA-256. A request signed another way is
     * challenged again (401 with the offer): browsers cannot use such a gateway.
     */
    SHA256_REQUIRED("sha256-required", PasswordAlgorithms.of(PasswordAlgorithm.SHA256));

    private final String flag;
    private final PasswordAlgorithms offer;

    IntegrityPolicy(String flag, PasswordAlgorithms offer) {
        this.flag = flag;
        this.offer = offer;
    }

    /** The PASSWORD-ALGORITHMS of this policy's 401 and 438 responses, in order of preference. */
    public PasswordAlgorithms offer() {
        return offer;
    }

    /** The {@code --integrity} value. */
    public String flag() {
        return flag;
    }

    /** Parses an {@code --integrity} value. */
    public static IntegrityPolicy parse(String s) {
        for (IntegrityPolicy p : values()) {
            if (p.flag.equals(s.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("--integrity: found \"" + s
                + "\" (expected: sha1-allowed or sha256-required)");
    }
}
