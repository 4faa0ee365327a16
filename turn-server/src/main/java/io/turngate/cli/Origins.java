package io.turngate.cli;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a config origin ({@code -c} or {@code STUNNER_CONFIG_ORIGIN}) names, stunnerd's way (stunner-compat §1f): a
 * file or directory ({@code file://} URL or a path), a config discovery service ({@code http(s)://} or
 * {@code ws(s)://} URL, or a bare {@code IP:port} / {@code :port}), or {@code k8s} (find the CDS through the
 * Kubernetes API). turngate reads files and directories; the others are refused with a message naming the origin.
 */
final class Origins {
    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[0-9.]*|[A-Za-z0-9.-]+):\\d{1,5}$");

    private Origins() {
    }

    /**
     * The problem with {@code origin}, or {@code null} when it is a file origin turngate can read.
     */
    static String unsupported(String origin) {
        String o = origin.trim();
        String lower = o.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ws://")
                || lower.startsWith("wss://")) {
            return "config origin \"" + o + "\" is a STUNner config discovery service (CDS) URL, which turngate does"
                    + " not read yet (expected: a stunnerd config file, Gateway API manifests, or a directory of them)";
        }
        if (lower.equals("k8s")) {
            return "config origin \"k8s\" (find the config discovery service through the Kubernetes API) is not"
                    + " supported yet (expected: a stunnerd config file, Gateway API manifests, or a directory of them)";
        }
        if (HOST_PORT.matcher(o).matches() && !new java.io.File(o).exists()) {
            return "config origin \"" + o + "\" is a config discovery service address (IP:port), which turngate does"
                    + " not read yet (expected: a stunnerd config file, Gateway API manifests, or a directory of them)";
        }
        return null;
    }
}
