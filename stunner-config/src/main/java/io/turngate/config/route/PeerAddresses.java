package io.turngate.config.route;

import io.turngate.config.v1.Endpoint;

/**
 * Peer address rules shared by the relay and the {@code explain} command (pure, no I/O).
 *
 * <ul>
 *   <li>{@link #canonicalize}: IPv4 embedded in IPv6 is turned into IPv4 before any check: IPv4-mapped
 *       {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::/48} and NAT64
 *       {@code 64:ff9b::/96} (coturn's 2026 bypasses, turn-notes §5.3).</li>
 *   <li>{@link #classify}: loopback, unspecified, link-local, multicast and broadcast ranges, which turngate
 *       refuses unless a route names the range explicitly ({@link #explicitlyNamed}).</li>
 * </ul>
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /** Special address ranges that covering prefixes such as {@code 0.0.0.0/0} never admit. */
    public enum SpecialRange {
        LOOPBACK("127.0.0.0/8", "::1/128"),
        UNSPECIFIED("0.0.0.0/8", "::/128"),
        LINK_LOCAL("169.254.0.0/16", "fe80::/10"),
        MULTICAST("224.0.0.0/4", "ff00::/8"),
        BROADCAST("255.255.255.255/32", null);

        private final Endpoint v4;
        private final Endpoint v6;

        SpecialRange(String v4, String v6) {
            this.v4 = Endpoint.parse(v4);
            this.v6 = v6 == null ? null : Endpoint.parse(v6);
        }

        /** The range of this kind in {@code addr}'s family, or {@code null}. */
        public Endpoint rangeFor(byte[] addr) {
            return addr.length == 4 ? v4 : v6;
        }
    }

    /**
     * Canonical form of a peer IP: embedded IPv4 forms become 4 bytes; anything else is returned as is (the same
     * array, so the IPv4 case allocates nothing).
     */
    public static byte[] canonicalize(byte[] addr) {
        if (addr.length != 16) {
            return addr;
        }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; but not :: and ::1, which are IPv6 specials)
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            if (addr[i] != 0) {
                firstTenZero = false;
                break;
            }
        }
        if (firstTenZero) {
            if ((addr[10] & 0xFF) == 0xFF && (addr[11] & 0xFF) == 0xFF) {
                return new byte[] {addr[12], addr[13], addr[14], addr[15]};
            }
            if (addr[10] == 0 && addr[11] == 0) {
                boolean upperZero = addr[12] == 0 && addr[13] == 0 && addr[14] == 0;
                if (!(upperZero && (addr[15] == 0 || addr[15] == 1))) {
                    return new byte[] {addr[12], addr[13], addr[14], addr[15]};
                }
            }
            return addr;
        }
        // 6to4: 2002:AABB:CCDD::/16 carries A.B.C.D in bytes 2..5
        if ((addr[0] & 0xFF) == 0x20 && (addr[1] & 0xFF) == 0x02) {
            return new byte[] {addr[2], addr[3], addr[4], addr[5]};
        }
        // NAT64 well-known prefix 64:ff9b::/96
        if (addr[0] == 0 && (addr[1] & 0xFF) == 0x64 && (addr[2] & 0xFF) == 0xFF && (addr[3] & 0xFF) == 0x9B) {
            boolean zero = true;
            for (int i = 4; i < 12; i++) {
                if (addr[i] != 0) {
                    zero = false;
                    break;
                }
            }
            if (zero) {
                return new byte[] {addr[12], addr[13], addr[14], addr[15]};
            }
        }
        return addr;
    }

    /** The special range {@code addr} (canonical) lies in, or {@code null} for an ordinary address. */
    public static SpecialRange classify(byte[] addr) {
        for (SpecialRange r : SpecialRange.values()) {
            Endpoint e = r.rangeFor(addr);
            if (e != null && e.containsAddress(addr)) {
                return r;
            }
        }
        return null;
    }

    /**
     * For a special {@code addr}: does endpoint {@code e} name its special range explicitly, i.e. is {@code e}'s
     * prefix inside that range (e.g. {@code 127.0.0.1} or {@code 127.0.0.0/8}), rather than merely covering it
     * (e.g. {@code 0.0.0.0/0})? Ordinary addresses need no explicit naming and return true.
     */
    public static boolean explicitlyNamed(Endpoint e, byte[] addr) {
        SpecialRange r = classify(addr);
        if (r == null) {
            return true;
        }
        Endpoint range = r.rangeFor(addr);
        return e.containsAddress(addr) && e.prefixLength() >= range.prefixLength() && range.containsAddress(e.network());
    }
}
