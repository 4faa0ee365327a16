package io.turngate.config.cds;

import io.turngate.config.v1.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a config discovery service (CDS) listens, read from a config origin as stunnerd reads it
 * ({@code pkg/config/client} {@code getURI}/{@code wsURI}): an {@code http://}, {@code https://}, {@code ws://} or
 * {@code wss://} URL, or a bare {@code host:port} / {@code :port} (taken as {@code http://}). A path or query in the
 * origin is ignored: the API paths are fixed (stunner-compat §1b).
 *
 * <p>The URIs it builds for one gateway:
 * <ul>
 *   <li>plain {@code GET}: {@code http(s)://HOST:PORT/api/v1/configs/NS/NAME[?node=NODE]} ({@code ws} reads as
 *       {@code http}, {@code wss} as {@code https});</li>
 *   <li>watch: {@code ws://HOST:PORT/api/v1/configs/NS/NAME?[node=NODE&]watch=true}: the scheme is always
 *       {@code ws}, as stunnerd forces it (the operator's CDS serves plain HTTP);</li>
 *   <li>the {@code Origin} header of the upgrade: {@code http://HOST:PORT}.</li>
 * </ul>
 *
 * @param secure   the plain {@code GET} uses {@code https}
 * @param host     host name or IP literal (an IPv6 literal in brackets); an empty host is {@code 127.0.0.1}
 * @param port     TCP port; the scheme's default (80, 443) when the origin has none
 */
public record CdsOrigin(boolean secure, String host, int port) {
    /** {@code GET /api/v1/configs/{namespace}/{name}} of the OpenAPI ({@code getV1ConfigNamespaceName}). */
    public static final String CONFIG_PATH = "/api/v1/configs/";

    /**
     * Reads a CDS origin.
     *
     * @throws ConfigException when it is not a URL or {@code host:port} (expected form in the message)
     */
    public static CdsOrigin parse(String origin) throws ConfigException {
        String o = origin == null ? "" : origin.trim();
        String lower = o.toLowerCase(Locale.ROOT);
        boolean secure = false;
        String rest;
        if (lower.startsWith("http://") || lower.startsWith("ws://")) {
            rest = o.substring(o.indexOf("://") + 3);
        } else if (lower.startsWith("https://") || lower.startsWith("wss://")) {
            secure = true;
            rest = o.substring(o.indexOf("://") + 3);
        } else if (lower.contains("://")) {
            throw new ConfigException("config origin \"" + o + "\": unknown scheme (expected: http://, https://, ws://,"
                    + " wss://, host:port, k8s or a file)");
        } else {
            rest = o;
        }
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad(o);
            }
            host = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw bad(o);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                portText = authority.substring(colon + 1);
            } else {
                host = authority;
            }
        }
        if (host.isEmpty()) {
            host = "127.0.0.1"; // Go dials the local system for ":13478"
        }
        if (!host.matches("\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+")) {
            throw bad(o);
        }
        int port = secure ? 443 : 80;
        if (portText != null) {
            if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw new ConfigException("config origin \"" + o + "\": port \"" + portText + "\" (expected: 1..65535)");
            }
            port = Integer.parseInt(portText);
        }
        return new CdsOrigin(secure, host, port);
    }

    private static ConfigException bad(String o) {
        return new ConfigException("config origin \"" + o + "\": not a config discovery service address (expected:"
                + " http://HOST:PORT, ws://HOST:PORT or HOST:PORT)");
    }

    /** {@code HOST:PORT}, as in the {@code Host} header. */
    public String authority() {
        return host + ":" + port;
    }

    /** The plain {@code GET} of one gateway's config. */
    public URI configUri(String namespace, String name, String nodeOrNull) {
        String query = nodeOrNull == null || nodeOrNull.isEmpty() ? "" : "?node=" + encode(nodeOrNull);
        return uri((secure ? "https" : "http") + "://" + authority() + CONFIG_PATH + segment(namespace) + "/"
                + segment(name) + query);
    }

    /** The WebSocket watch of one gateway's config (stunnerd's {@code wsURI}: keys sorted, scheme {@code ws}). */
    public URI watchUri(String namespace, String name, String nodeOrNull) {
        String node = nodeOrNull == null || nodeOrNull.isEmpty() ? "" : "node=" + encode(nodeOrNull) + "&";
        return uri("ws://" + authority() + CONFIG_PATH + segment(namespace) + "/" + segment(name) + "?" + node
                + "watch=true");
    }

    /** The {@code Origin} header stunnerd sends with the upgrade. */
    public String originHeader() {
        return "http://" + authority();
    }

    /** {@code http://HOST:PORT} (or {@code https}), for logs. */
    @Override
    public String toString() {
        return (secure ? "https" : "http") + "://" + authority();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A path segment: Kubernetes names need no escaping; anything else is percent-encoded. */
    private static String segment(String s) {
        return encode(s).replace("+", "%20");
    }

    private static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(s, e); // every part was checked or encoded above
        }
    }
}
