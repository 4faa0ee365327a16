package io.turngate.config.load;

import io.turngate.config.v1.Defaults;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Shell-style {@code $VAR} / {@code ${VAR}} expansion with the exact semantics of Go's {@code os.Expand}, which
 * stunnerd runs over the whole config text ({@code pkg/config/client/config.go} {@code ParseConfig}):
 * <ul>
 *   <li>{@code $NAME} takes the longest run of {@code [A-Za-z0-9_]}; {@code ${NAME}} anything up to the first
 *       {@code }}; unset variables expand to the empty string;</li>
 *   <li>a single special character after {@code $} is a name of its own: {@code * # $ @ ! ? -} and the digits,
 *       so {@code $$}, {@code $1}, {@code ${1}} all expand (normally to "");</li>
 *   <li>{@code $} followed by any other character, or at the very end, is kept as it is;</li>
 *   <li>bad brace syntax is eaten: {@code ${}} disappears, an unclosed {@code ${} loses those two characters.</li>
 * </ul>
 * There is no escape ({@code \$} is a backslash followed by an expansion).
 */
public final class EnvSubstitution {
    private static final Pattern DIGITS = Pattern.compile("^[0-9]+$");

    private EnvSubstitution() {
    }

    /** Expands {@code text} with {@code lookup}; a {@code null} from {@code lookup} counts as unset (empty). */
    public static String expand(String text, Function<String, String> lookup) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        for (int j = 0; j < n; j++) {
            if (text.charAt(j) != '$' || j + 1 >= n) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16);
            }
            out.append(text, copied, j);
            // getShellName on text[j+1:]
            String name;
            int width;
            char c = text.charAt(j + 1);
            if (c == '{') {
                if (n - (j + 1) > 2 && isShellSpecial(text.charAt(j + 2)) && text.charAt(j + 3) == '}') {
                    name = text.substring(j + 2, j + 3);
                    width = 3;
                } else {
                    int close = text.indexOf('}', j + 2);
                    if (close < 0) {
                        name = "";
                        width = 1; // bad syntax: eat "${"
                    } else if (close == j + 2) {
                        name = "";
                        width = 2; // bad syntax: eat "${}"
                    } else {
                        name = text.substring(j + 2, close);
                        width = close - j;
                    }
                }
            } else if (isShellSpecial(c)) {
                name = String.valueOf(c);
                width = 1;
            } else {
                int k = j + 1;
                while (k < n && isAlphaNum(text.charAt(k))) {
                    k++;
                }
                name = text.substring(j + 1, k);
                width = k - (j + 1);
            }
            if (name.isEmpty() && width > 0) {
                // invalid syntax: the characters are eaten
            } else if (name.isEmpty()) {
                out.append('$'); // '$' not followed by a name: kept
            } else {
                String v = lookup.apply(name);
                if (v != null) {
                    out.append(v);
                }
            }
            j += width;
            copied = j + 1;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, Math.min(copied, n), n).toString();
    }

    /** Expands {@code text} from an environment map (see {@link #expand(String, Function)}). */
    public static String expand(String text, Map<String, String> env) {
        return expand(text, env::get);
    }

    /**
     * stunnerd's port defaulting, done before expansion: when {@code STUNNER_PORT} is unset, empty or not all
     * digits, it becomes {@code STUNNER_PUBLIC_PORT} (if that parses as an integer) or 3478. Returns a copy;
     * the argument (for example {@code System.getenv()}) is never modified.
     */
    public static Map<String, String> withPortDefault(Map<String, String> env) {
        Map<String, String> copy = new HashMap<>(env == null ? Map.of() : env);
        String port = copy.get(Defaults.ENV_PORT);
        if (port == null || !DIGITS.matcher(port).matches()) {
            int p = Defaults.PORT;
            String pub = copy.get(Defaults.ENV_PUBLIC_PORT);
            if (pub != null) {
                try {
                    p = Integer.parseInt(pub);
                } catch (NumberFormatException e) {
                    // keep the default, like Go's strconv.Atoi failure
                }
            }
            copy.put(Defaults.ENV_PORT, Integer.toString(p));
        }
        return copy;
    }

    private static boolean isShellSpecial(char c) {
        switch (c) {
            case '*': case '#': case '$': case '@': case '!': case '?': case '-':
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
                return true;
            default:
                return false;
        }
    }

    private static boolean isAlphaNum(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
