package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import io.turngate.stun.IntegrityAlgorithm;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.Rfc8489IntegrityTestVectors;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.TransactionId;
import io.turngate.stun.attr.AttributeType;
import io.turngate.stun.attr.MessageIntegrity;
import io.turngate.stun.attr.MessageIntegritySha256;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.PasswordAlgorithm;
import io.turngate.stun.attr.PasswordAlgorithms;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UserHash;
import io.turngate.stun.attr.Username;
import io.turngate.turn.Allocation;
import io.turngate.turn.IntegrityPolicy;
import io.turngate.turn.Refusal;
import io.turngate.turn.handler.CoreFixture.FakeClient;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.turngate.turn.handler.CoreFixture.ALICE;
import static io.turngate.turn.handler.CoreFixture.ALICE_ADDRESS;
import static io.turngate.turn.handler.CoreFixture.REALM;
import static io.turngate.turn.handler.CoreFixture.SECRET;
import static io.turngate.turn.handler.CoreFixture.assertError;
import static io.turngate.turn.handler.CoreFixture.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8489 §9.2 through the dispatcher: the 401 offer and nonce cookie, PASSWORD-ALGORITHM SHA-256 with
 * MESSAGE-INTEGRITY-SHA256, USERHASH for static users, bid-down attempts, {@code --integrity sha256-required}, and
 * the RFC 5389 path of browsers next to all of it.
 */
class Rfc8489AuthTest {
    static final String STATIC_USER = "user1";
    static final String STATIC_PASSWORD = "passwd1";
    static final PasswordAlgorithms OFFER = PasswordAlgorithms.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);
    static final PasswordAlgorithm SHA256 = PasswordAlgorithm.of(PasswordAlgorithm.SHA256);
    static final PasswordAlgorithm MD5 = PasswordAlgorithm.of(PasswordAlgorithm.MD5);

    static AuthConfig staticAuth(String user, String password) {
        return new AuthConfig(AuthType.STATIC, REALM, Map.of("username", user, "password", password));
    }

    static byte[] ephemeralPassword(String user) {
        return EphemeralCredentials.password(SECRET, user).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] sha256Key(String user) {
        return LongTermCredentials.keySha256(user, REALM, EphemeralCredentials.password(SECRET, user));
    }

    /** What a request of an RFC 8489 client carries besides its method's attributes; any part may be null. */
    record Creds(Username username, UserHash userHash, String nonce, PasswordAlgorithm chosen,
                 PasswordAlgorithms echoed) {
        List<StunAttribute> attributes() {
            List<StunAttribute> out = new ArrayList<>();
            if (username != null) {
                out.add(username);
            }
            if (userHash != null) {
                out.add(userHash);
            }
            out.add(new Realm(REALM));
            out.add(new Nonce(nonce));
            if (chosen != null) {
                out.add(chosen);
            }
            if (echoed != null) {
                out.add(echoed);
            }
            return out;
        }
    }

    /** The challenge: Allocate without credentials, 401; returns it after checking what every challenge has. */
    static ReceivedStun challenge(CoreFixture fx, FakeClient c) {
        fx.receive(c, CoreFixture.plain(StunMethod.ALLOCATE, StunClass.REQUEST, false,
                new RequestedTransport(RequestedTransport.UDP)));
        ReceivedStun r = response(c);
        assertError(401, r);
        assertFalse(r.hasIntegrity() || r.hasIntegritySha256(), "RFC 8489 §9.2.4: a challenge is not signed");
        assertEquals(REALM, r.message().attribute(Realm.class).value());
        return r;
    }

    static String nonceOf(ReceivedStun challenge) {
        return challenge.message().attribute(Nonce.class).value();
    }

    static ByteBuf allocate(Creds creds, byte[] key, IntegrityAlgorithm integrity) {
        List<StunAttribute> attrs = new ArrayList<>(List.of(new RequestedTransport(RequestedTransport.UDP)));
        attrs.addAll(creds.attributes());
        return StunCodec.encode(new StunMessage(StunMethod.ALLOCATE, StunClass.REQUEST, TransactionId.random(), attrs),
                ByteBufAllocator.DEFAULT, key, integrity, false);
    }

    // ------------------------------------------------------------------ the offer

    @Test
    void challengeOffersSha256ThenMd5AndTheNonceCookieHasThePasswordAlgorithmsBit() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        ReceivedStun r = challenge(fx, alice);
        assertEquals(OFFER, r.message().attribute(PasswordAlgorithms.class));
        assertTrue(nonceOf(r).startsWith("obMatJos2gAAA"), "ephemeral: password algorithms, no username anonymity");
        assertEquals(StatelessNonce.PASSWORD_ALGORITHMS, StatelessNonce.features(nonceOf(r)));

        CoreFixture st = new CoreFixture(staticAuth(STATIC_USER, STATIC_PASSWORD), IntegrityPolicy.SHA1_ALLOWED);
        FakeClient c = st.client(ALICE_ADDRESS);
        assertTrue(nonceOf(challenge(st, c)).startsWith("obMatJos2wAAA"), "static: both bits");
        assertFalse(fx.finish(alice) | st.finish(c));
    }

    // ------------------------------------------------------------------ SHA-256

    @Test
    void sha256AllocateIsAnsweredWithMessageIntegritySha256Only() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, SHA256, OFFER), sha256Key(ALICE),
                IntegrityAlgorithm.SHA256));
        ReceivedStun ok = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, ok.message().messageClass(), ok::toString);
        assertFalse(ok.hasIntegrity(), "RFC 8489 §9.2.4: only the integrity the request used");
        assertTrue(ok.verifyIntegritySha256(sha256Key(ALICE)));
        assertFalse(ok.verifyIntegritySha256(CoreFixture.key(ALICE)), "SHA-256 key, not MD5");
        assertEquals(ALICE, fx.context.allocations().get(alice.fiveTuple()).username());

        // Refresh on the allocation with the same nonce and algorithm: signed the same way.
        fx.receive(alice, StunCodec.encode(new StunMessage(StunMethod.REFRESH, StunClass.REQUEST,
                TransactionId.random(), new Creds(new Username(ALICE), null, nonce, SHA256, OFFER).attributes()),
                ByteBufAllocator.DEFAULT, sha256Key(ALICE), IntegrityAlgorithm.SHA256, false));
        ReceivedStun refreshed = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, refreshed.message().messageClass(), refreshed::toString);
        assertTrue(refreshed.verifyIntegritySha256(sha256Key(ALICE)));
        assertFalse(fx.finish(alice));
    }

    @Test
    void md5KeyWithMessageIntegritySha256IsAcceptedAndAnsweredWithSha256() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, MD5, OFFER), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA256));
        ReceivedStun ok = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, ok.message().messageClass(), ok::toString);
        assertTrue(ok.verifyIntegritySha256(CoreFixture.key(ALICE)));
        assertFalse(fx.finish(alice));
    }

    @Test
    void browserPathIsUnchanged() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, null, null), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA1));
        ReceivedStun ok = response(alice);
        CoreFixture.assertSuccess(ok, ALICE);
        assertFalse(ok.hasIntegritySha256());
        assertFalse(fx.finish(alice));
    }

    @Test
    void whenBothIntegritiesArePresentSha256IsVerifiedAndSignsTheAnswer() throws Exception {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        Creds creds = new Creds(new Username(ALICE), null, nonce, null, null);
        byte[] unsigned = bytes(allocate(creds, null, IntegrityAlgorithm.SHA1));
        byte[] withSha1 = Rfc8489IntegrityTestVectors.sign(unsigned, AttributeType.MESSAGE_INTEGRITY, 20,
                CoreFixture.key(ALICE));
        // a good MESSAGE-INTEGRITY but a MESSAGE-INTEGRITY-SHA256 with the wrong key: SHA-256 decides, 400
        byte[] badSha256 = Rfc8489IntegrityTestVectors.sign(withSha1, AttributeType.MESSAGE_INTEGRITY_SHA256, 32,
                sha256Key("1800000000:mallory"));
        fx.receive(alice, Unpooled.wrappedBuffer(badSha256));
        assertError(400, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.AUTH_BAD_INTEGRITY));
        byte[] both = Rfc8489IntegrityTestVectors.sign(withSha1, AttributeType.MESSAGE_INTEGRITY_SHA256, 32,
                CoreFixture.key(ALICE));
        fx.receive(alice, Unpooled.wrappedBuffer(both));
        ReceivedStun ok = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, ok.message().messageClass(), ok::toString);
        assertFalse(ok.hasIntegrity());
        assertTrue(ok.verifyIntegritySha256(CoreFixture.key(ALICE)));
        assertFalse(fx.finish(alice));
    }

    @Test
    void truncatedMessageIntegritySha256IsRefused() throws Exception {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        byte[] unsigned = bytes(allocate(new Creds(new Username(ALICE), null, nonce, SHA256, OFFER), null,
                IntegrityAlgorithm.SHA1));
        fx.receive(alice, Unpooled.wrappedBuffer(Rfc8489IntegrityTestVectors.sign(unsigned,
                AttributeType.MESSAGE_INTEGRITY_SHA256, 16, sha256Key(ALICE))));
        assertError(400, response(alice));
        assertEquals(1, fx.counters.refusals(Refusal.AUTH_TRUNCATED_INTEGRITY));
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        assertFalse(fx.finish(alice));
    }

    // ------------------------------------------------------------------ bid-down (RFC 8489 §9.2.1, §9.2.4)

    @Test
    void bidDownAttemptsAreRefused() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        Username u = new Username(ALICE);
        // PASSWORD-ALGORITHMS stripped on the way (the client chose SHA-256)
        assertRefused(fx, alice, new Creds(u, null, nonce, SHA256, null), sha256Key(ALICE), 400,
                Refusal.AUTH_ALGORITHM_MISMATCH);
        // PASSWORD-ALGORITHM stripped
        assertRefused(fx, alice, new Creds(u, null, nonce, null, OFFER), CoreFixture.key(ALICE), 400,
                Refusal.AUTH_ALGORITHM_MISMATCH);
        // the offer rewritten to MD5 only, and the client "chose" MD5
        assertRefused(fx, alice, new Creds(u, null, nonce, MD5, PasswordAlgorithms.of(PasswordAlgorithm.MD5)),
                CoreFixture.key(ALICE), 400, Refusal.AUTH_ALGORITHM_MISMATCH);
        // the offer reordered
        assertRefused(fx, alice, new Creds(u, null, nonce, MD5,
                PasswordAlgorithms.of(PasswordAlgorithm.MD5, PasswordAlgorithm.SHA256)), CoreFixture.key(ALICE), 400,
                Refusal.AUTH_ALGORITHM_MISMATCH);
        // an algorithm that was not offered
        assertRefused(fx, alice, new Creds(u, null, nonce, PasswordAlgorithm.of(0x0003), OFFER), sha256Key(ALICE),
                400, Refusal.AUTH_ALGORITHM_MISMATCH);
        // chose SHA-256 but signed with MESSAGE-INTEGRITY (§9.2.5: SHA-256 only after an offer)
        assertRefused(fx, alice, new Creds(u, null, nonce, SHA256, OFFER), sha256Key(ALICE), IntegrityAlgorithm.SHA1,
                400, Refusal.AUTH_ALGORITHM_MISMATCH);
        // the nonce cookie's bits cleared (with the offer gone too): the nonce no longer verifies, 438
        String stripped = "obMatJos2AAAA" + nonce.substring(13);
        assertRefused(fx, alice, new Creds(u, null, stripped, null, null), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA1, 438, Refusal.AUTH_STALE_NONCE);
        assertRefused(fx, alice, new Creds(u, null, nonce.substring(13), null, null), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA1, 438, Refusal.AUTH_STALE_NONCE);
        assertNull(fx.context.allocations().get(alice.fiveTuple()));
        assertFalse(fx.finish(alice));
    }

    private static void assertRefused(CoreFixture fx, FakeClient c, Creds creds, byte[] key, int code,
                                      Refusal refusal) {
        assertRefused(fx, c, creds, key, IntegrityAlgorithm.SHA256, code, refusal);
    }

    private static void assertRefused(CoreFixture fx, FakeClient c, Creds creds, byte[] key,
                                      IntegrityAlgorithm integrity, int code, Refusal refusal) {
        int before = fx.counters.refusals(refusal);
        fx.receive(c, allocate(creds, key, integrity));
        ReceivedStun r = response(c);
        assertError(code, r);
        assertEquals(before + 1, fx.counters.refusals(refusal), () -> "refused as " + refusal + ": " + r);
        if (code == 438) {
            assertEquals(OFFER, r.message().attribute(PasswordAlgorithms.class), "RFC 8489 §9.2.4: 438 offers too");
            assertNotNull(r.message().attribute(Nonce.class));
        }
    }

    // ------------------------------------------------------------------ USERHASH

    @Test
    void staticUserIsFoundByUserHashAndTheMapFollowsReloads() {
        CoreFixture fx = new CoreFixture(staticAuth(STATIC_USER, STATIC_PASSWORD), IntegrityPolicy.SHA1_ALLOWED);
        FakeClient c = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, c));
        byte[] key = LongTermCredentials.keySha256(STATIC_USER, REALM, STATIC_PASSWORD);
        UserHash hash = new UserHash(LongTermCredentials.userHash(STATIC_USER, REALM));
        // unknown hash first
        assertRefused(fx, c, new Creds(null, new UserHash(LongTermCredentials.userHash("someone", REALM)), nonce,
                SHA256, OFFER), key, 400, Refusal.AUTH_UNKNOWN_USER);
        // USERNAME and USERHASH together
        assertRefused(fx, c, new Creds(new Username(STATIC_USER), hash, nonce, SHA256, OFFER), key, 400,
                Refusal.AUTH_USERHASH_REFUSED);
        fx.receive(c, allocate(new Creds(null, hash, nonce, SHA256, OFFER), key, IntegrityAlgorithm.SHA256));
        ReceivedStun ok = response(c);
        assertEquals(StunClass.SUCCESS_RESPONSE, ok.message().messageClass(), ok::toString);
        assertNull(ok.message().attribute(Username.class), "the username does not cross the wire");
        assertTrue(ok.verifyIntegritySha256(key));
        Allocation a = fx.context.allocations().get(c.fiveTuple());
        assertEquals(STATIC_USER, a.username());

        // a reload with another user: the old hash is unknown, the new one works
        fx.auth.update(staticAuth("user2", "passwd2"));
        FakeClient other = fx.client(CoreFixture.BOB_ADDRESS);
        String nonce2 = nonceOf(challenge(fx, other));
        assertRefused(fx, other, new Creds(null, hash, nonce2, SHA256, OFFER), key, 400, Refusal.AUTH_UNKNOWN_USER);
        fx.receive(other, allocate(new Creds(null, new UserHash(LongTermCredentials.userHash("user2", REALM)), nonce2,
                SHA256, OFFER), LongTermCredentials.keySha256("user2", REALM, "passwd2"), IntegrityAlgorithm.SHA256));
        assertEquals(StunClass.SUCCESS_RESPONSE, response(other).message().messageClass());
        assertFalse(fx.finish(c, other));
    }

    @Test
    void userHashIsRefusedForEphemeralCredentials() {
        CoreFixture fx = new CoreFixture();
        FakeClient alice = fx.client(ALICE_ADDRESS);
        String nonce = nonceOf(challenge(fx, alice));
        assertRefused(fx, alice, new Creds(null, new UserHash(LongTermCredentials.userHash(ALICE, REALM)), nonce,
                SHA256, OFFER), sha256Key(ALICE), 400, Refusal.AUTH_USERHASH_REFUSED);
        assertFalse(fx.finish(alice));
    }

    // ------------------------------------------------------------------ --integrity sha256-required

    @Test
    void sha256RequiredChallengesSha1WithTheSha256OfferAndAcceptsSha256() {
        CoreFixture fx = new CoreFixture(new AuthConfig(AuthType.EPHEMERAL, REALM, Map.of("secret", SECRET)),
                IntegrityPolicy.SHA256_REQUIRED);
        FakeClient alice = fx.client(ALICE_ADDRESS);
        ReceivedStun first = challenge(fx, alice);
        PasswordAlgorithms sha256Only = PasswordAlgorithms.of(PasswordAlgorithm.SHA256);
        assertEquals(sha256Only, first.message().attribute(PasswordAlgorithms.class));
        String nonce = nonceOf(first);
        // a browser: MESSAGE-INTEGRITY over the MD5 key, no password algorithm
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, null, null), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA1));
        ReceivedStun again = response(alice);
        assertError(401, again);
        assertEquals(sha256Only, again.message().attribute(PasswordAlgorithms.class));
        assertNotNull(again.message().attribute(Nonce.class));
        assertFalse(again.hasIntegrity());
        assertEquals(1, fx.counters.refusals(Refusal.AUTH_SHA256_REQUIRED));
        // MESSAGE-INTEGRITY-SHA256 but over the MD5 key without a password algorithm: still not SHA-256
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, null, null), CoreFixture.key(ALICE),
                IntegrityAlgorithm.SHA256));
        assertError(401, response(alice));
        // MD5 chosen from an offer that has no MD5
        assertRefused(fx, alice, new Creds(new Username(ALICE), null, nonce, MD5, sha256Only), CoreFixture.key(ALICE),
                400, Refusal.AUTH_ALGORITHM_MISMATCH);
        fx.receive(alice, allocate(new Creds(new Username(ALICE), null, nonce, SHA256, sha256Only), sha256Key(ALICE),
                IntegrityAlgorithm.SHA256));
        ReceivedStun ok = response(alice);
        assertEquals(StunClass.SUCCESS_RESPONSE, ok.message().messageClass(), ok::toString);
        assertTrue(ok.verifyIntegritySha256(sha256Key(ALICE)));
        assertFalse(fx.finish(alice));
    }

    private static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
