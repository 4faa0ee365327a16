package io.turngate.config.v1;

import java.util.Locale;

/**
 * An admin HTTP endpoint ({@code metrics_endpoint}, {@code healthcheck_endpoint}) split into what a server binds:
 * {@code http://[host][:port][/path]}. The scheme is mandatory (stunnerd {@code pkg/apis/v1/admin.go}); an empty
 * host means every address ({@code 0.0.0.0}), an empty port the given default (8080 for metrics, 8086 for health
 * checks), an empty path {@code /}. IPv6 hosts are written in brackets, {@code http://[::1]:8086}.
 *
 * @param host IP literal or name to bind, {@code 0.0.0.0} when the URL has none
 * @param port 1..65535
 * @param path request path, at least {@code /}
 */
public record HttpEndpoint(String host, int port, String path) {
    /** Grammar, for error messages. */
    public static final String EXPECTED = "http://[host][:port][/path]";

    /**
     * Parses an endpoint URL.
     *
     * @param url         the config value, non-empty
     * @param defaultPort port used when the URL has none
     * @throws IllegalArgumentException "what found (expected: http://[host][:port][/path])"
     */
    public static HttpEndpoint parse(String url, int defaultPort) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("empty endpoint (expected: " + EXPECTED + ")");
        }
        if (!url.toLowerCase(Locale.ROOT).startsWith("http://")) {
            throw new IllegalArgumentException("no http:// scheme in " + url + " (expected: " + EXPECTED + ")");
        }
        String rest = url.substring("http://".length());
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        String path = rest.substring(end);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        int h = path.indexOf('#');
        if (h >= 0) {
            path = path.substring(0, h);
        }
        if (path.isEmpty()) {
            path = "/";
        }
        if (authority.indexOf('@') >= 0) {
            throw new IllegalArgumentException("user info in " + url + " (expected: " + EXPECTED + ")");
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed [ in " + url + " (expected: " + EXPECTED + ")");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("junk after ] in " + url + " (expected: " + EXPECTED + ")");
            }
            portText = after.isEmpty() ? "" : after.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon >= 0 ? authority.substring(0, colon) : authority;
            portText = colon >= 0 ? authority.substring(colon + 1) : "";
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("IPv6 host without brackets in " + url + " (expected: " + EXPECTED + ")");
            }
        }
        int port = defaultPort;
        if (!portText.isEmpty()) {
            if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid port " + portText + " in " + url + " (expected: 1..65535)");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid port " + port + " in " + url + " (expected: 1..65535)");
            }
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        return new HttpEndpoint(host, port, path);
    }
}
