package io.turngate.auth;

import java.text.Normalizer;
import java.util.Objects;

/**
 * The PRECIS OpaqueString profile (RFC 8265 §4.2), which RFC 8489 applies to the realm and password in the long-term
 * key (§9.2.2, §18.5.1) and to the username and realm in USERHASH (§14.4). The profile's rules, in order:
 * <ol>
 *   <li>width mapping: none;</li>
 *   <li>additional mapping: every non-ASCII space (Unicode category Zs) becomes U+0020;</li>
 *   <li>case mapping: none;</li>
 *   <li>normalization: Unicode NFC;</li>
 *   <li>directionality: none;</li>
 *   <li>enforcement: the result must be non-empty and in the FreeformClass (RFC 8264 §4.3).</li>
 * </ol>
 * {@link #prepare} does 1 to 5 and checks the part of 6 that matters for ASCII: control characters (category Cc)
 * and the empty string are refused. For ASCII input this is the whole profile: printable ASCII (U+0020–U+007E)
 * comes out unchanged, controls are refused. The FreeformClass exclusions beyond ASCII that need the Unicode
 * derived-property tables of RFC 8264 §9 (unassigned code points, default-ignorables, old Hangul jamo) are not
 * checked; such strings are prepared by the mapping and NFC and otherwise used as given.
 *
 * <p>Note OpaqueString is not SASLprep: it does not drop U+00AD or apply NFKC, so RFC 8489 Appendix B.1's
 * "The\u00ADM\u00AAtr\u2168" does not become "TheMatrIX" here; configure passwords in their prepared form.
 */
public final class OpaqueString {

    private OpaqueString() {
    }

    /**
     * The OpaqueString form of {@code s}.
     *
     * @throws IllegalArgumentException if {@code s} is empty or contains a control character (RFC 8265 §4.2.3)
     */
    public static String prepare(String s) {
        Objects.requireNonNull(s, "s");
        if (s.isEmpty()) {
            throw new IllegalArgumentException("OpaqueString: found an empty string (expected: at least one character)");
        }
        StringBuilder mapped = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.getType(c) == Character.CONTROL) {
                throw new IllegalArgumentException("OpaqueString: found control character U+"
                        + String.format("%04X", (int) c) + " at " + i + " (expected: none, RFC 8265 §4.2)");
            }
            if (c > 0x7F && Character.getType(c) == Character.SPACE_SEPARATOR) {
                if (mapped == null) {
                    mapped = new StringBuilder(s);
                }
                mapped.setCharAt(i, ' ');
            }
        }
        String out = mapped == null ? s : mapped.toString();
        return Normalizer.isNormalized(out, Normalizer.Form.NFC) ? out : Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    /**
     * {@link #prepare}, or {@code s} unchanged if the profile refuses it: for keys derived from configured values,
     * which the server cannot refuse per request (the empty password of a STUNner config stays usable).
     */
    public static String prepareOrSelf(String s) {
        try {
            return prepare(s);
        } catch (IllegalArgumentException refused) {
            return s;
        }
    }
}
