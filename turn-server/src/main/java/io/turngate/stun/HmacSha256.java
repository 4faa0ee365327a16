package io.turngate.stun;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One HMAC-SHA256 instance per thread for MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), for the same reason as
 * {@link HmacSha1}: {@code Mac.getInstance} costs about as much as the HMAC itself.
 */
final class HmacSha256 {
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    });

    private HmacSha256() {
    }

    /** This thread's HMAC-SHA256, initialised with {@code key} and ready for {@code update}/{@code doFinal}. */
    static Mac withKey(byte[] key) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 key rejected", e);
        }
        return mac;
    }
}
