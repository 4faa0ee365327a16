package io.turngate.auth;

import io.turngate.auth.StatelessNonce.Validity;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatelessNonceTest {

    private static final long LIFETIME = 60_000;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
    private final StatelessNonce nonces = new StatelessNonce(secret, clock::get, LIFETIME);

    private static InetSocketAddress client(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void freshNonceIsValidAndPrintable() throws Exception {
        String n = nonces.issue(client("192.0.2.1", 50000));
        assertEquals(StatelessNonce.LENGTH, n.length());
        assertTrue(n.length() < 128);
        assertTrue(n.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '"' && c != '\\'), n);
        assertEquals(Validity.VALID, nonces.check(n, client("192.0.2.1", 50000)));
    }

    @Test
    void nonceBecomesStaleAfterTheLifetime() throws Exception {
        InetSocketAddress c = client("2001:db8::1", 3478);
        String n = nonces.issue(c);
        clock.addAndGet(LIFETIME);
        assertEquals(Validity.VALID, nonces.check(n, c));
        clock.incrementAndGet();
        assertEquals(Validity.STALE, nonces.check(n, c));
        assertEquals(Validity.VALID, nonces.check(nonces.issue(c), c));
    }

    @Test
    void nonceIsBoundToTheClientAddressAndPort() throws Exception {
        String n = nonces.issue(client("192.0.2.1", 50000));
        assertEquals(Validity.INVALID, nonces.check(n, client("192.0.2.1", 50001)));
        assertEquals(Validity.INVALID, nonces.check(n, client("192.0.2.2", 50000)));
        assertEquals(Validity.INVALID, nonces.check(n, client("::ffff:c000:201", 50001)));
    }

    @Test
    void tamperedNonceIsInvalid() throws Exception {
        InetSocketAddress c = client("192.0.2.1", 50000);
        String n = nonces.issue(c);
        for (int i = 0; i < n.length(); i++) {
            char replacement = n.charAt(i) == '0' ? '1' : '0';
            String t = n.substring(0, i) + replacement + n.substring(i + 1);
            assertEquals(Validity.INVALID, nonces.check(t, c), "changed char " + i);
        }
        assertEquals(Validity.INVALID, nonces.check(n.toUpperCase(), c));
        assertEquals(Validity.INVALID, nonces.check(n.substring(1), c));
        assertEquals(Validity.INVALID, nonces.check(n + "0", c));
        assertEquals(Validity.INVALID, nonces.check("", c));
        assertEquals(Validity.INVALID, nonces.check(null, c));
        assertEquals(Validity.INVALID, nonces.check("f//499k954d6OL34oL9FSTvy64sA", c));
    }

    @Test
    void nonceFromAnotherSecretIsInvalid() throws Exception {
        InetSocketAddress c = client("192.0.2.1", 50000);
        StatelessNonce other = StatelessNonce.withRandomSecret(clock::get, LIFETIME);
        String n = other.issue(c);
        assertEquals(Validity.VALID, other.check(n, c));
        assertEquals(Validity.INVALID, nonces.check(n, c));
        assertNotEquals(n, nonces.issue(c));
    }

    @Test
    void nonceStartsWithTheCookieAndItsFeatureBits() throws Exception {
        InetSocketAddress c = client("192.0.2.1", 50000);
        // RFC 8489 §9.2: "obMatJos2" + base64 of the 24 feature bits, bit 0 the most significant.
        assertTrue(nonces.issue(c).startsWith("obMatJos2AAAA"));
        String pa = nonces.issue(c, StatelessNonce.PASSWORD_ALGORITHMS, 0);
        assertTrue(pa.startsWith("obMatJos2gAAA"), pa);
        String both = nonces.issue(c, StatelessNonce.PASSWORD_ALGORITHMS | StatelessNonce.USERNAME_ANONYMITY, 0);
        assertTrue(both.startsWith("obMatJos2wAAA"), both);
        assertEquals(StatelessNonce.PASSWORD_ALGORITHMS | StatelessNonce.USERNAME_ANONYMITY,
                StatelessNonce.features(both));
        assertEquals(Validity.VALID, nonces.check(both, c));
        assertEquals(-1, StatelessNonce.features("f//499k954d6OL34oL9FSTvy64sA"));
        assertEquals(0x000002, StatelessNonce.features("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"));
    }

    @Test
    void clearingTheFeatureBitsInvalidatesTheNonce() throws Exception {
        InetSocketAddress c = client("192.0.2.1", 50000);
        String n = nonces.issue(c, StatelessNonce.PASSWORD_ALGORITHMS | StatelessNonce.USERNAME_ANONYMITY, 7);
        // a bid-down on the path: the same nonce with the bits cleared, or only one of them kept
        assertEquals(Validity.INVALID, nonces.check("obMatJos2AAAA" + n.substring(13), c, 7));
        assertEquals(Validity.INVALID, nonces.check("obMatJos2gAAA" + n.substring(13), c, 7));
        assertEquals(Validity.INVALID, nonces.check(n.substring(13), c, 7), "cookie stripped");
        assertEquals(Validity.VALID, nonces.check(n, c, 7));
    }

    @Test
    void nonceOfAnotherEpochIsStale() throws Exception {
        InetSocketAddress c = client("192.0.2.1", 50000);
        String n = nonces.issue(c, StatelessNonce.PASSWORD_ALGORITHMS, 41);
        assertEquals(Validity.VALID, nonces.check(n, c, 41));
        assertEquals(Validity.STALE, nonces.check(n, c, 42));
        assertEquals(Validity.STALE, nonces.check(n, c));
        assertEquals(Validity.INVALID, nonces.check(n, client("192.0.2.1", 50001), 41));
        assertThrows(IllegalArgumentException.class, () -> nonces.issue(c, 0x100_0000, 0));
    }

    @Test
    void constructorValidatesArguments() {
        assertThrows(IllegalArgumentException.class, () -> new StatelessNonce(new byte[15], clock::get, LIFETIME));
        assertThrows(IllegalArgumentException.class, () -> new StatelessNonce(secret, clock::get, 0));
    }
}
