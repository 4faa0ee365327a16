package io.turngate.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.Username;
import io.turngate.auth.LongTermCredentials;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The auth path with STUNner's credential kinds and error codes (stunner-compat §1d), including the documented TURN
 * REST vector ({@code my-shared-secret}, {@code 1681490135:user-id} → {@code WSfJZ8QIi8ebu1uWhxlclvyjEPY=}, STUNner's
 * docs/AUTH.md; {@code UpstreamVectorsTest} checks it against the upstream fixture document) and secret rotation.
 */
class RequestAuthenticatorTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final String REALM = "stunner.l7mp.io";
    private static final String VECTOR_SECRET = "my-shared-secret";
    private static final String VECTOR_USER = "1681490135:user-id";
    private static final String VECTOR_PASSWORD = "WSfJZ8QIi8ebu1uWhxlclvyjEPY=";

    private final AtomicLong wallClock = new AtomicLong(1_681_490_000_000L); // 135 s before the vector expires
    private final StatelessNonce nonces = new StatelessNonce(new byte[32], wallClock::get, 3_600_000L);

    private RequestAuthenticator authenticator(AuthConfig auth) {
        return new RequestAuthenticator(auth, nonces, wallClock::get);
    }

    private ReceivedStun allocate(String user, String realm, String nonce, String password) {
        StunMessage m = StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(),
                new RequestedTransport(RequestedTransport.UDP), new Username(user), new Realm(realm), new Nonce(nonce));
        ByteBuf b = StunCodec.encode(m, PooledByteBufAllocator.DEFAULT, LongTermCredentials.key(user, realm, password), true);
        try {
            return StunCodec.decode(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            b.release();
        }
    }

    private static Refusal refusal(ThrowingRunnable r) {
        TurnFailure f = assertThrows(TurnFailure.class, r::run);
        return f.refusal();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void ephemeralRestVectorIsAcceptedBeforeItsExpiry() throws Exception {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", VECTOR_SECRET)));
        RequestAuthenticator.Authenticated who = a.authenticate(
                allocate(VECTOR_USER, REALM, nonces.issue(CLIENT), VECTOR_PASSWORD), CLIENT);
        assertEquals(VECTOR_USER, who.username());
        assertArrayEquals(LongTermCredentials.key(VECTOR_USER, REALM, VECTOR_PASSWORD), who.key());
    }

    @Test
    void ephemeralUsernameAfterItsExpiryIsRefusedWith400() {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", VECTOR_SECRET)));
        wallClock.set(1_681_490_136_000L);
        String nonce = nonces.issue(CLIENT);
        Refusal r = refusal(() -> a.authenticate(allocate(VECTOR_USER, REALM, nonce, VECTOR_PASSWORD), CLIENT));
        assertEquals(Refusal.AUTH_EXPIRED_CREDENTIAL, r);
        assertEquals(400, r.errorCode().code());
    }

    @Test
    void ephemeralUsernameWithoutTimestampIsRefused() {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", VECTOR_SECRET)));
        String nonce = nonces.issue(CLIENT);
        assertEquals(Refusal.AUTH_EXPIRED_CREDENTIAL,
                refusal(() -> a.authenticate(allocate("user-id", REALM, nonce, "whatever"), CLIENT)));
    }

    @Test
    void previousSecretIsAcceptedDuringRotationAndUnknownSecretIsNot() throws Exception {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.EPHEMERAL, REALM,
                Map.of("secret", "new-secret", "secret-previous", VECTOR_SECRET)));
        assertEquals(VECTOR_USER, a.authenticate(allocate(VECTOR_USER, REALM, nonces.issue(CLIENT), VECTOR_PASSWORD), CLIENT).username());
        a.update(new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", "new-secret")));
        String nonce = nonces.issue(CLIENT);
        assertEquals(Refusal.AUTH_BAD_INTEGRITY,
                refusal(() -> a.authenticate(allocate(VECTOR_USER, REALM, nonce, VECTOR_PASSWORD), CLIENT)));
    }

    @Test
    void staticWrongPasswordIs400UnknownUserIs400() {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.STATIC, REALM, Map.of("username", "user-1", "password", "pass-1")));
        String nonce = nonces.issue(CLIENT);
        assertEquals(Refusal.AUTH_BAD_INTEGRITY, refusal(() -> a.authenticate(allocate("user-1", REALM, nonce, "nope"), CLIENT)));
        assertEquals(Refusal.AUTH_UNKNOWN_USER, refusal(() -> a.authenticate(allocate("user-2", REALM, nonce, "pass-1"), CLIENT)));
        assertEquals(400, Refusal.AUTH_BAD_INTEGRITY.errorCode().code());
    }

    @Test
    void nonceOfAnotherClientOrOldRealmIs438() {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.STATIC, REALM, Map.of("username", "user-1", "password", "pass-1")));
        String otherClientsNonce = nonces.issue(new InetSocketAddress("127.0.0.1", 40001));
        assertEquals(Refusal.AUTH_STALE_NONCE,
                refusal(() -> a.authenticate(allocate("user-1", REALM, otherClientsNonce, "pass-1"), CLIENT)));
        String nonce = nonces.issue(CLIENT);
        a.update(new AuthConfig(AuthType.STATIC, "new.realm", Map.of("username", "user-1", "password", "pass-1")));
        Refusal r = refusal(() -> a.authenticate(allocate("user-1", REALM, nonce, "pass-1"), CLIENT));
        assertEquals(Refusal.AUTH_STALE_NONCE, r);
        assertEquals(438, r.errorCode().code());
    }

    @Test
    void authTypeNoneRefusesTurnWith400() {
        RequestAuthenticator a = authenticator(new AuthConfig(AuthType.NONE, REALM, Map.of()));
        String nonce = nonces.issue(CLIENT);
        assertEquals(Refusal.AUTH_TURN_DISABLED, refusal(() -> a.authenticate(allocate("u", REALM, nonce, "p"), CLIENT)));
    }
}
