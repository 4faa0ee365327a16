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
        Object r = parseOrFailure(s);
        if (r instanceof Failure f) {
            throw new IllegalArgumentException(f.what + " in " + s + " (expected: " + f.expected + ")");
        }
        return (Endpoint) r;
    }

    /**
     * Checks one endpoint without throwing: {@code null} when {@code s} parses, otherwise the text for the
     * {@code (expected: ...)} part of an error message, e.g. {@code 0..32} for a bad IPv4 prefix length.
     */
    public static String expectedFor(String s) {
        return parseOrFailure(s) instanceof Failure f ? f.expected : null;
    }

    /** Why an endpoint did not parse: the bad part, and what was expected there. */
    private record Failure(String what, String expected) {
    }

    private static Object parseOrFailure(String s) {
        if (s == null || s.isBlank()) {
            return new Failure("empty endpoint", EXPECTED);
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
                return new Failure("port range out of range", EXPECTED + " with 0 <= lo <= hi <= 65535");
            }
            if (lo < 0 || hi > 65535 || lo > hi) {
                return new Failure("invalid port range <" + lo + "-" + hi + ">", EXPECTED + " with 0 <= lo <= hi <= 65535");
            }
        } else if (text.contains(":<") || text.endsWith(">")) {
            return new Failure("malformed port range", EXPECTED);
        }
        String ipPart = text;
        int len = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            ipPart = text.substring(0, slash);
            String lenText = text.substring(slash + 1);
            if (lenText.isEmpty() || lenText.length() > 3 || !lenText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return new Failure("invalid prefix length", EXPECTED);
            }
            len = Integer.parseInt(lenText);
        }
        byte[] addr = parseIpLiteral(ipPart);
        if (addr == null) {
            return new Failure("invalid IP address", EXPECTED);
        }
        int bits = addr.length * 8;
        if (len == -1) {
            len = bits;
        } else if (len > bits) {
            return new Failure("prefix length /" + len + " out of range", EXPECTED + " with len 0.." + bits);
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
                if (parts[i].isEmpty() || parts[i].length() > 3 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                    return null; // Go's net.ParseIP rejects leading zeros (ambiguous octal)
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
        StringBuilder sb = new StringBuilder(formatIp(network));
        if (prefixLength != network.length * 8) {
            sb.append('/').append(prefixLength);
        }
        if (hasPortRange()) {
            sb.append(":<").append(minPort).append('-').append(maxPort).append('>');
        }
        return sb.toString();
    }

    /**
     * Formats a 4- or 16-byte address the way Go's {@code net.IP.String} does: dotted quad for IPv4, RFC 5952
     * text for IPv6 (lower-case hex, no leading zeros, the longest run of two or more zero groups as {@code ::},
     * the first such run on a tie).
     */
    public static String formatIp(byte[] addr) {
        if (addr.length == 4) {
            return (addr[0] & 0xFF) + "." + (addr[1] & 0xFF) + "." + (addr[2] & 0xFF) + "." + (addr[3] & 0xFF);
        }
        if (addr.length != 16) {
            throw new IllegalArgumentException("address of " + addr.length + " bytes (expected: 4 or 16)");
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((addr[2 * i] & 0xFF) << 8) | (addr[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
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
