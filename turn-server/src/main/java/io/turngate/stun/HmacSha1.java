package io.turngate.stun;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One HMAC-SHA1 instance per thread for MESSAGE-INTEGRITY (RFC 8489 §14.5): {@code Mac.getInstance} costs about as
 * much as the HMAC itself, so it is done once per thread and only the key is set per message.
 */
final class HmacSha1 {
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    });

    private HmacSha1() {
    }

    /** This thread's HMAC-SHA1, initialised with {@code key} and ready for {@code update}/{@code doFinal}. */
    static Mac withKey(byte[] key) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 key rejected", e);
        }
        return mac;
    }
}
