package io.turngate.auth;

import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunFixtures;
import org.junit.jupiter.api.Test;

import static io.turngate.stun.StunFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongTermCredentialsTest {

    private static final String USER = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    /** RFC 5769 §2.4: MD5("マトリックス:example.org:TheMatrIX"). */
    @Test
    void rfc5769LongTermKey() throws Exception {
        byte[] key = LongTermCredentials.key(USER, "example.org", "TheMatrIX");
        assertEquals("e8ca7ad59d5eb0518e312911d2dab2a9", hex(key));
        ReceivedStun r = StunFixtures.decode(StunFixtures.rfc5769("2.4"));
        assertTrue(r.verifyIntegrity(key));
    }

    /** No SASLprep: the unprepared password (with U+00AD, U+00AA, U+2168) gives a different key. */
    @Test
    void passwordIsUsedAsGiven() throws Exception {
        byte[] key = LongTermCredentials.key(USER, "example.org", "The\u00ADM\u00AAtr\u2168");
        assertNotEquals("e8ca7ad59d5eb0518e312911d2dab2a9", hex(key));
        assertFalse(StunFixtures.decode(StunFixtures.rfc5769("2.4")).verifyIntegrity(key));
    }

    @Test
    void keyIsMd5OfColonJoinedUtf8() {
        // MD5("user:realm:pass")
        assertEquals("8493fbc53ba582fb4c044c456bdc40eb", hex(LongTermCredentials.key("user", "realm", "pass")));
        assertNotEquals(hex(LongTermCredentials.key("user:realm", "", "pass")),
                hex(LongTermCredentials.key("user", "realm", "pass")));
    }

    /** RFC 8489 Appendix B.1 (erratum 6268): the SHA-256 key verifies the vector's MESSAGE-INTEGRITY-SHA256. */
    @Test
    void appendixB1Sha256KeyAndUserHash() throws Exception {
        String user = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        io.turngate.stun.ReceivedStun b1 = io.turngate.stun.StunFixtures.decode(
                io.turngate.stun.Rfc8489IntegrityTestVectors.B1);
        byte[] key = LongTermCredentials.keySha256(user, "example.org", "TheMatrIX");
        assertEquals(32, key.length);
        assertTrue(b1.verifyIntegritySha256(key));
        assertTrue(b1.verifyIntegritySha256(LongTermCredentials.key(0x0002, user, "example.org", "TheMatrIX")));
        assertFalse(b1.verifyIntegritySha256(LongTermCredentials.key(user, "example.org", "TheMatrIX")), "MD5 key");
        assertEquals(hex(b1.message().attribute(io.turngate.stun.attr.UserHash.class).hash()),
                hex(LongTermCredentials.userHash(user, "example.org")));
        assertEquals(hex(LongTermCredentials.key(user, "example.org", "TheMatrIX")),
                hex(LongTermCredentials.key(0x0001, user, "example.org", "TheMatrIX")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LongTermCredentials.key(0x0003, user, "example.org", "TheMatrIX"));
    }

    @Test
    void sha256KeyPreparesRealmAndPasswordButNotTheUsername() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] expected = sha.digest("us\u00A0er:re alm:pa ss".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(hex(expected), hex(LongTermCredentials.keySha256("us\u00A0er", "re\u00A0alm", "pa\u2003ss")));
    }
}
