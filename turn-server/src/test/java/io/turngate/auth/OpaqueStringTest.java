package io.turngate.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 8265 §4.2 OpaqueString: identity on printable ASCII, spaces mapped, NFC, controls and empty refused. */
class OpaqueStringTest {

    @Test
    void printableAsciiIsUnchanged() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x20; c < 0x7F; c++) {
            all.append(c);
        }
        assertEquals(all.toString(), OpaqueString.prepare(all.toString()));
        assertEquals("TheMatrIX", OpaqueString.prepare("TheMatrIX"));
    }

    @Test
    void nonAsciiSpacesBecomeSpaceAndTheResultIsNfc() {
        assertEquals("a b c", OpaqueString.prepare("a\u00A0b\u3000c"));
        assertEquals("\u00E9", OpaqueString.prepare("e\u0301"), "NFC composes");
        // not NFKC: compatibility characters stay (RFC 8489 B.1's password is not "TheMatrIX" under OpaqueString)
        assertEquals("The\u00ADM\u00AAtr\u2168", OpaqueString.prepare("The\u00ADM\u00AAtr\u2168"));
    }

    @Test
    void controlsAndEmptyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare(""));
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare("pass\u0000"));
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare("a\tb"));
        assertThrows(IllegalArgumentException.class, () -> OpaqueString.prepare("\u0085"));
        assertEquals("", OpaqueString.prepareOrSelf(""));
        assertEquals("a\tb", OpaqueString.prepareOrSelf("a\tb"));
    }
}
