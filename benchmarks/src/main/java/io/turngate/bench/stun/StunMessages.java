package io.turngate.bench.stun;

import io.turngate.auth.LongTermCredentials;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.Software;
import io.turngate.stun.attr.Username;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorRelayedAddress;

import java.net.InetSocketAddress;

/**
 * The messages the STUN and MESSAGE-INTEGRITY benchmarks work on: what a WebRTC client and turngate exchange in an
 * Allocate handshake (RFC 8656 §7.2 with the long-term credential mechanism, RFC 8489 §9.2), built with the
 * project's own codec so that they are well-formed by construction.
 */
public final class StunMessages {
    public static final String USER = "user-1";
    public static final String PASSWORD = "pass-1";
    public static final String REALM = "stunner.l7mp.io";
    /** A nonce of turngate's length ({@code StatelessNonce.LENGTH}, 48 characters). */
    public static final String NONCE = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA0123456";
    public static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 32853);
    public static final InetSocketAddress RELAYED = new InetSocketAddress("192.0.2.15", 50000);
    public static final TransactionId TID = new TransactionId(0xb7e7a701, 0xbc34d686fa87dfaeL);

    private StunMessages() {
    }

    /** The long-term key {@code MD5(user:realm:pass)}. */
    public static byte[] key() {
        return LongTermCredentials.key(USER, REALM, PASSWORD);
    }

    /** Binding request with SOFTWARE and FINGERPRINT (the shape of RFC 5769 §2.1, without its ICE attributes). */
    public static StunMessage bindingRequest() {
        return StunMessage.of(StunMethod.BINDING, StunClass.REQUEST, TID, new Software("turngate-bench"));
    }

    /** The authenticated Allocate a browser sends after the 401 (MESSAGE-INTEGRITY and FINGERPRINT added by encode). */
    public static StunMessage authenticatedAllocate() {
        return StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TID,
                new RequestedTransport(RequestedTransport.UDP), new Lifetime(3600), new Username(USER),
                new Realm(REALM), new Nonce(NONCE));
    }

    /** The 401 challenge (RFC 8656 §7.2, RFC 8489 §9.2.4): ERROR-CODE, REALM, NONCE. */
    public static StunMessage unauthorized() {
        return StunMessage.of(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, TID,
                new ErrorCodeAttribute(401, "Unauthorized"), new Realm(REALM), new Nonce(NONCE));
    }

    /** Allocate success: XOR-RELAYED-ADDRESS, LIFETIME, XOR-MAPPED-ADDRESS (MESSAGE-INTEGRITY added by encode). */
    public static StunMessage allocateSuccess() {
        return StunMessage.of(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, TID, new XorRelayedAddress(RELAYED),
                new Lifetime(3600), new XorMappedAddress(CLIENT));
    }

    /** {@code m} encoded to bytes, with MESSAGE-INTEGRITY when {@code key} is not null, and FINGERPRINT. */
    public static byte[] encode(StunMessage m, byte[] key) {
        return StunCodec.encodeToArray(m, key, true);
    }
}
