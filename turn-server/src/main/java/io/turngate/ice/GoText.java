package io.turngate.ice;

/**
 * Text exactly as the Go auth service writes it: JSON strings as {@code encoding/json} escapes them by default
 * ({@code Encoder.SetEscapeHTML(true)}), and {@code %q} / {@code strconv.Quote} for the values echoed in error
 * messages. Jackson would do the JSON too, but its escapes use upper-case hex where Go's use lower case, and it
 * leaves {@code <}, {@code >}, {@code &}, U+2028 and U+2029 alone.
 */
final class GoText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoText() {
    }

    /**
     * Appends {@code s} as a JSON string: {@code \"} {@code \\} {@code \b} {@code \f} {@code \n} {@code \r}
     * {@code \t}; other control characters, {@code < > &}, U+2028 and U+2029 as {@code \}{@code u00XX} with
     * lower-case hex; an unpaired surrogate (invalid UTF-8 for Go) as {@code \}{@code ufffd}.
     */
    static StringBuilder jsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); continue;
                case '\\': out.append("\\\\"); continue;
                case '\b': out.append("\\b"); continue;
                case '\f': out.append("\\f"); continue;
                case '\n': out.append("\\n"); continue;
                case '\r': out.append("\\r"); continue;
                case '\t': out.append("\\t"); continue;
                default:
                    break;
            }
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                unicodeEscape(out, c);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append("\\ufffd");
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /** Appends a JSON array of strings. */
    static StringBuilder jsonStrings(StringBuilder out, Iterable<String> values) {
        out.append('[');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            jsonString(out, v);
        }
        return out.append(']');
    }

    /**
     * {@code s} double-quoted as Go's {@code strconv.Quote} writes it for ASCII: {@code \"} {@code \\}, the C
     * escapes {@code \a \b \f \n \r \t \v}, other ASCII controls and DEL as {@code \xNN}; C1 controls as
     * {@code \}{@code u00NN}; any other character as it is.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case 0x07: out.append("\\a"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case 0x0b: out.append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (c >= 0x80 && c < 0xa0) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
