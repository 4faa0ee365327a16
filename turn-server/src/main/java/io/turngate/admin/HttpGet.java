package io.turngate.admin;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A GET (or HEAD) request to an admin endpoint, as the routes see it: decoded path and query parameters.
 *
 * @param query parameter name → values in order of appearance
 */
public record HttpGet(String path, Map<String, List<String>> query, String accept) {
    public HttpGet {
        query = Map.copyOf(query);
    }

    /** The single value of {@code name}, or {@code null} when absent. */
    public String param(String name) throws BadQuery {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw new BadQuery(name, "given " + v.size() + " times (expected: once)");
        }
        return v.get(0);
    }

    /** {@code name} as an integer in {@code min..max}, empty when absent. */
    public OptionalLong longParam(String name, long min, long max) throws BadQuery {
        String v = param(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BadQuery(name, "\"" + v + "\" (expected: an integer in " + min + ".." + max + ")");
        }
        if (n < min || n > max) {
            throw new BadQuery(name, n + " (expected: " + min + ".." + max + ")");
        }
        return OptionalLong.of(n);
    }

    /** {@code name} as a boolean ({@code true|false|1|0}, also bare {@code ?name}), {@code dflt} when absent. */
    public boolean booleanParam(String name, boolean dflt) throws BadQuery {
        String v = param(name);
        if (v == null) {
            return dflt;
        }
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "": case "true": case "1": return true;
            case "false": case "0": return false;
            default: throw new BadQuery(name, "\"" + v + "\" (expected: true or false)");
        }
    }

    /** A query parameter with a value the endpoint cannot take: answered 400 with this message. */
    public static final class BadQuery extends Exception {
        private static final long serialVersionUID = 1L;

        public BadQuery(String param, String problem) {
            super("query parameter " + param + ": " + problem, null, false, false);
        }
    }
}
