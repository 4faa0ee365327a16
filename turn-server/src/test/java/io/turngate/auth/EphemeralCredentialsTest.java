package io.turngate.auth;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** TURN REST API credentials with STUNner's username rules (stunner-compat §1d). */
class EphemeralCredentialsTest {

    /** The example documented by STUNner (docs/AUTH.md), fixture A of rfc5769.md. */
    @Test
    void stunnerDocumentedVector() {
        assertEquals("WSfJZ8QIi8ebu1uWhxlclvyjEPY=",
                EphemeralCredentials.password("my-shared-secret", "1681490135:user-id"));
    }

    @Test
    void additionalVectors() {
        assertEquals("I/MZeIG6MwzOV8Uubr9liB2556o=", EphemeralCredentials.password("secret", "1700000000:user"));
        assertEquals("D18H2B4ZLhebIL9mjOi68cDDID4=",
                EphemeralCredentials.password("logen", "1700000000:ninefingers"));
    }

    @Test
    void expiryIsTheFirstIntegerFieldInAnyPosition() {
        assertEquals(OptionalLong.of(1700000000L), EphemeralCredentials.expiry("1700000000:alice"));
        assertEquals(OptionalLong.of(1700000000L), EphemeralCredentials.expiry("alice:1700000000"));
        assertEquals(OptionalLong.of(1700000000L), EphemeralCredentials.expiry("1700000000"));
        assertEquals(OptionalLong.of(1681486023L), EphemeralCredentials.expiry("1681486023:"));
        assertEquals(OptionalLong.of(5L), EphemeralCredentials.expiry("a:b:5:6"));
        assertEquals(OptionalLong.of(5L), EphemeralCredentials.expiry("+5:x"));
        assertEquals(OptionalLong.of(-5L), EphemeralCredentials.expiry("-5:x"));
    }

    @Test
    void noIntegerFieldOrZeroGivesNoExpiry() {
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("alice"));
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry(""));
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("0:alice"));
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("0:1700000000"), "the first integer wins");
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("17e9:alice"));
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry(" 1700000000:alice"));
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("\u0661\u0662\u0663:alice"), "ASCII only");
        assertEquals(OptionalLong.empty(), EphemeralCredentials.expiry("-:+"));
        assertEquals(OptionalLong.of(7L), EphemeralCredentials.expiry("99999999999999999999:7"), "overflow skipped");
    }

    @Test
    void userIdIsThePartAfterTheTimestampOnlyForTimestampColonUser() {
        assertEquals("user-id", EphemeralCredentials.userId("1681490135:user-id"));
        assertEquals("user-id:1681490135", EphemeralCredentials.userId("user-id:1681490135"));
        assertEquals("1:a:b", EphemeralCredentials.userId("1:a:b"));
        assertEquals("1700000000", EphemeralCredentials.userId("1700000000"));
        assertEquals("", EphemeralCredentials.userId("1681486023:"));
        assertEquals("alice", EphemeralCredentials.userId("alice"));
    }

    @Test
    void emptySecretIsAValidHmacKey() {
        // HMAC-SHA1 with an empty key, computed independently: zero-padded key == one zero byte.
        assertEquals(EphemeralCredentials.password("\0", "u"), EphemeralCredentials.password("", "u"));
    }
}
