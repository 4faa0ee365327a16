package io.turngate.ice;

import io.turngate.config.v1.AuthConfig;
import io.turngate.config.v1.AuthType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link IceCredentials}: static, ephemeral (STUNner's documented vector) and none. */
class IceCredentialsTest {
    private static final AuthConfig STATIC = new AuthConfig(AuthType.STATIC, "r", Map.of("username", "u", "password", "p"));
    private static final AuthConfig EPHEMERAL = new AuthConfig(AuthType.EPHEMERAL, "r", Map.of("secret", "my-shared-secret"));

    @Test
    void ephemeralMatchesStunnersDocumentedVector() {
        assertEquals(new IceCredentials("1681490135:user-id", "WSfJZ8QIi8ebu1uWhxlclvyjEPY="),
                IceCredentials.of(EPHEMERAL, "user-id", 1_681_403_735L, 86_400));
    }

    @Test
    void ephemeralWithoutUserIdKeepsTheColon() {
        assertEquals("1681490135:", IceCredentials.ephemeralUsername(1_681_490_135L, 0, ""));
    }

    @Test
    void staticIsTheConfiguredPairWhateverTheUserIdAndTtl() {
        assertEquals(new IceCredentials("u", "p"), IceCredentials.of(STATIC, "someone", 1, 5));
    }

    @Test
    void noneIsEmpty() {
        assertEquals(new IceCredentials("", ""), IceCredentials.of(new AuthConfig(AuthType.NONE, "r", Map.of()), "x", 1, 5));
    }

    @Test
    void incompleteCredentialsAreAProblemNotAnAnswer() {
        assertNull(IceCredentials.problem(STATIC));
        assertNull(IceCredentials.problem(EPHEMERAL));
        AuthConfig noSecret = new AuthConfig(AuthType.EPHEMERAL, "r", Map.of("username", "u"));
        assertEquals("auth type ephemeral without credentials.secret", IceCredentials.problem(noSecret));
        AuthConfig noPassword = new AuthConfig(AuthType.STATIC, "r", Map.of("username", "u"));
        assertTrue(IceCredentials.problem(noPassword).contains("credentials.password"));
        assertThrows(IllegalArgumentException.class, () -> IceCredentials.of(noSecret, "", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> IceCredentials.of(EPHEMERAL, "", 1, -1));
        assertThrows(IllegalArgumentException.class, () -> IceCredentials.of(EPHEMERAL, "", 1, IceCredentials.MAX_TTL_SECONDS + 1));
    }

    @Test
    void toStringMasksTheCredential() {
        assertFalse(new IceCredentials("u", "secret-pass").toString().contains("secret-pass"));
    }
}
