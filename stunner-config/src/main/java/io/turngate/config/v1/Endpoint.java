package io.turngate.config.v1;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A STATIC cluster endpoint: {@code ip-or-prefix [ ":<" minPort "-" maxPort ">" ]} (STUNner
 * {@code internal/util/endpoint.go}). A plain IP is a /32 or /128; a prefix is canonicalised to its network
 * address; no port suffix means ports 1..65535. IPv6 needs no brackets ({@code 2001:db8::/32:<1-2>}).
 *
 * <p>Matching is by address family: an IPv4 prefix (even {@code 0.0.0.0/0}) never matches an IPv6 address.
 * Callers canonicalise IPv4-in-IPv6 peer forms to IPv4 before matching.
 */
public final class Endpoint {
    /** Grammar, for error messages. */
    public static final String EXPECTED = "ip[/len][:<lo-hi>]";

    private static final Pattern PORT_RANGE = Pattern.compile("^(.*):<([0-9]+)-([0-9]+)>$");

    private final byte[] network;
    private final int prefixLength;
    private final int minPort;
    private final int maxPort;

    private Endpoint(byte[] network, int prefixLength, int minPort, int maxPort) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.minPort = minPort;
        this.maxPort = maxPort;
    }

    /**
     * Parses one endpoint.
     *
     * @throws IllegalArgumentException with a message naming the bad part and the expected grammar
     */
    public static Endpoint parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty endpoint (expected: " + EXPECTED + ")");
        }
        String text = s.trim();
        int lo = 1;
        int hi = 65535;
        Matcher m = PORT_RANGE.matcher(text);
        if (m.matches()) {
            text = m.group(1);
            try {
                lo = Integer.parseInt(m.group(2));
                hi = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port range out of range in " + s + " (expected: <lo-hi> within 0..65535)");
            }
            if (lo < 0 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException("invalid port range <" + lo + "-" + hi + "> in " + s
                        + " (expected: <lo-hi> with 0 <= lo <= hi <= 65535)");
            }
        } else if (text.contains(":<") || text.endsWith(">")) {
            throw new IllegalArgumentException("malformed port range in " + s + " (expected: " + EXPECTED + ")");
        }
        String ipPart = text;
        int len = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            ipPart = text.substring(0, slash);
            try {
                len = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid prefix length in " + s + " (expected: " + EXPECTED + ")");
            }
        }
        byte[] addr = parseIpLiteral(ipPart);
        if (addr == null) {
            throw new IllegalArgumentException("invalid IP address in " + s + " (expected: " + EXPECTED + ")");
        }
        int bits = addr.length * 8;
        if (len == -1) {
            len = bits;
        } else if (len < 0 || len > bits) {
            throw new IllegalArgumentException("prefix length /" + len + " out of range in " + s + " (expected: 0.." + bits + ")");
        }
        return new Endpoint(mask(addr, len), len, lo, hi);
    }

    /**
     * Parses an IPv4 or IPv6 literal without any DNS lookup; {@code null} if it is not one. IPv4-mapped IPv6
     * literals ({@code ::ffff:a.b.c.d}) come back as 4 bytes, as {@link InetAddress} does.
     */
    public static byte[] parseIpLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        boolean looksV4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean looksV6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (looksV4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        if (looksV6) {
            try {
                // Literal only (no letters other than hex digits, contains ':'), so no name lookup happens.
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static byte[] mask(byte[] addr, int len) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, len - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    /** True when {@code addr} (4 or 16 bytes) lies in this prefix; families never cross-match. */
    public boolean containsAddress(byte[] addr) {
        if (addr.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rem = prefixLength % 8;
        if (rem != 0) {
            int m = (0xFF << (8 - rem)) & 0xFF;
            return (addr[full] & m) == (network[full] & 0xFF);
        }
        return true;
    }

    public boolean containsAddress(InetAddress addr) {
        return containsAddress(addr.getAddress());
    }

    public boolean containsPort(int port) {
        return port >= minPort && port <= maxPort;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** Network address bytes (a copy). */
    public byte[] network() {
        return network.clone();
    }

    public int prefixLength() {
        return prefixLength;
    }

    public int minPort() {
        return minPort;
    }

    public int maxPort() {
        return maxPort;
    }

    public boolean hasPortRange() {
        return minPort != 1 || maxPort != 65535;
    }

    /** Canonical form as STUNner prints it: plain IP for a host prefix, {@code net/len} otherwise, then {@code :<lo-hi>} if restricted. */
    @Override
    public String toString() {
        String ip;
        try {
            ip = InetAddress.getByAddress(network).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder sb = new StringBuilder(ip);
        if (prefixLength != network.length * 8) {
            sb.append('/').append(prefixLength);
        }
        if (hasPortRange()) {
            sb.append(":<").append(minPort).append('-').append(maxPort).append('>');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && prefixLength == e.prefixLength && minPort == e.minPort && maxPort == e.maxPort
                && Arrays.equals(network, e.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength * 7 + minPort * 3 + maxPort;
    }

    /** Convenience: is this an IPv4 literal? */
    static boolean isInet4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
