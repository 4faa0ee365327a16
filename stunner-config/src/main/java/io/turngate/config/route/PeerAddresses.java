package io.turngate.config.route;

import io.turngate.config.v1.Endpoint;

/**
 * turngate's peer-address security rule, shared by the offline {@code explain} command and the server's
 * permission hot path. Pure static functions, no state.
 *
 * <p><b>Canonical form.</b> IPv6 forms that embed an IPv4 address are reduced to the IPv4 address before any
 * matching, so that a route written for IPv4 cannot be bypassed (or a special range reached) by spelling the peer
 * as IPv6:
 * <ul>
 *   <li>IPv4-mapped {@code ::ffff:a.b.c.d} (RFC 4291 §2.5.5.2);</li>
 *   <li>IPv4-compatible {@code ::a.b.c.d} (RFC 4291 §2.5.5.1, deprecated) — except {@code ::} and {@code ::1},
 *       which are the IPv6 unspecified and loopback addresses;</li>
 *   <li>6to4 {@code 2002:AABB:CCDD::/48} → {@code A.B.C.D} (RFC 3056 §2);</li>
 *   <li>NAT64 well-known prefix {@code 64:ff9b::/96} (RFC 6052 §2.1).</li>
 * </ul>
 *
 * <p><b>Special ranges.</b> Loopback ({@code 127.0.0.0/8}, {@code ::1}), unspecified / "this network"
 * ({@code 0.0.0.0/8}, {@code ::}), link-local ({@code 169.254.0.0/16}, {@code fe80::/10}), multicast
 * ({@code 224.0.0.0/4}, {@code ff00::/8}), limited broadcast ({@code 255.255.255.255}) and, IPv6 only,
 * unique-local ({@code fc00::/7}), Teredo ({@code 2001::/32}) and NAT64 local-use ({@code 64:ff9b:1::/48}) peers
 * are refused unless
 * an endpoint of a cluster names that range <em>explicitly</em>: the endpoint's prefix must lie within the
 * special range ({@code 127.0.0.1}, {@code 127.0.0.0/8}), not merely cover it ({@code 0.0.0.0/0} does not). This
 * closes the classic open-relay holes (TURN to the server's own loopback services, cloud metadata at
 * 169.254.169.254; coturn CVE-2018-4058, CVE-2020-26262, CVE-2026-27624 and its embedded-IPv4 follow-ups,
 * turn-notes §5) while staying STUNner-compatible for ordinary peers.
 * An endpoint "admits" a peer iff it contains the canonical address and, for a special address, names its range
 * explicitly ({@link #admits}); the first-cluster port rule of STUNner (stunner-compat §1c.3) applies to admitting
 * clusters only.
 *
 * <p>Threading: stateless; all methods are thread-safe. {@link #canonicalize}, {@link #classify},
 * {@link #explicitlyNamed} and {@link #admits} allocate nothing for 4-byte input; {@link #canonicalize} allocates
 * one 4-byte array for an embedded-IPv4 16-byte input.
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /**
     * A kind of address that is never relayed to unless a cluster endpoint names its range explicitly. Each kind
     * has an IPv4 and (except broadcast) an IPv6 range.
     */
    public enum SpecialRange {
        LOOPBACK("127.0.0.0/8", "::1/128", "loopback"),
        UNSPECIFIED("0.0.0.0/8", "::/128", "unspecified"),
        LINK_LOCAL("169.254.0.0/16", "fe80::/10", "link-local"),
        MULTICAST("224.0.0.0/4", "ff00::/8", "multicast"),
        BROADCAST("255.255.255.255/32", null, "limited broadcast"),
        /**
         * IPv6 unique-local addresses (RFC 4193), IPv6 only: the IPv6 counterpart of a private network that is not
         * the pods' (IPv6 pod networks commonly use ULA, and a route names those pods' addresses, which names the
         * range: a {@code /128} lies within it). {@code ::/0} does not admit them.
         */
        UNIQUE_LOCAL(null, "fc00::/7", "unique-local"),
        /**
         * Teredo (RFC 4380 §2.6), IPv6 only. Not canonicalised: the address embeds the Teredo server's IPv4 address
         * and the client's mapped IPv4 address obfuscated (XOR 0xffff), and a host with a Teredo interface sends to
         * that mapped address directly, so a route written for IPv6 must not reach it by a covering prefix.
         */
        TEREDO(null, "2001::/32", "Teredo"),
        /**
         * The NAT64 local-use prefix (RFC 8215), IPv6 only. Unlike the well-known {@code 64:ff9b::/96} it is not
         * canonicalised (where a network-specific prefix puts the IPv4 address depends on its length, RFC 6052
         * §2.2), so it is refused unless named: a translator on it would reach any IPv4 address.
         */
        NAT64_LOCAL_USE(null, "64:ff9b:1::/48", "NAT64 local-use");

        private final Endpoint v4;
        private final Endpoint v6;
        private final String v4Cidr;
        private final String v6Cidr;
        private final String description;

        SpecialRange(String v4, String v6, String description) {
            this.v4 = v4 == null ? null : Endpoint.parse(v4);
            this.v6 = v6 == null ? null : Endpoint.parse(v6);
            this.v4Cidr = v4;
            this.v6Cidr = v6;
            this.description = description;
        }

        /**
         * The range of this kind in the family of {@code addr} (4 or 16 bytes, taken as written), or {@code null}
         * (broadcast has no IPv6 range; unique-local, Teredo and NAT64 local-use no IPv4 one).
         */
        public Endpoint rangeFor(byte[] addr) {
            return addr.length == 4 ? v4 : v6;
        }

        /** Human name, e.g. {@code loopback}. */
        public String description() {
            return description;
        }

        /** E.g. {@code loopback 127.0.0.0/8} for an IPv4 address, {@code loopback ::1/128} for IPv6. */
        public String describe(byte[] addr) {
            String cidr = addr.length == 4 ? v4Cidr : v6Cidr;
            return description + (cidr == null ? "" : " " + cidr);
        }
    }

    /** Which embedded-IPv4 form a 16-byte address uses, for explanations. */
    public enum Embedding {
        IPV4_MAPPED("IPv4-mapped IPv6 address"),
        IPV4_COMPATIBLE("IPv4-compatible IPv6 address"),
        SIX_TO_FOUR("6to4 address"),
        NAT64("NAT64 (64:ff9b::/96) address");

        private final String description;

        Embedding(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * Offset of the IPv4 address inside {@code addr}: 0 for a 4-byte address, 12 or 2 for a 16-byte address
     * embedding one (see the class comment), -1 for a genuine IPv6 address.
     *
     * @throws IllegalArgumentException when {@code addr} is neither 4 nor 16 bytes
     */
    public static int ipv4Offset(byte[] addr) {
        if (addr.length == 4) {
            return 0;
        }
        Embedding e = embedding(addr);
        if (e == null) {
            return -1;
        }
        return e == Embedding.SIX_TO_FOUR ? 2 : 12;
    }

    /** The embedded-IPv4 form of a 16-byte address, or {@code null} (also for 4-byte input). */
    public static Embedding embedding(byte[] addr) {
        if (addr.length == 4) {
            return null;
        }
        if (addr.length != 16) {
            throw new IllegalArgumentException("address length " + addr.length + " (expected: 4 or 16 bytes)");
        }
        if (addr[0] == 0x20 && addr[1] == 0x02) {
            return Embedding.SIX_TO_FOUR;
        }
        if (addr[0] == 0x00 && addr[1] == 0x64 && (addr[2] & 0xff) == 0xff && (addr[3] & 0xff) == 0x9b
                && zero(addr, 4, 12)) {
            return Embedding.NAT64;
        }
        if (!zero(addr, 0, 10)) {
            return null;
        }
        if ((addr[10] & 0xff) == 0xff && (addr[11] & 0xff) == 0xff) {
            return Embedding.IPV4_MAPPED;
        }
        if (addr[10] == 0 && addr[11] == 0) {
            // ::/128 and ::1/128 are IPv6's own unspecified and loopback addresses
            boolean unspecifiedOrLoopback = addr[12] == 0 && addr[13] == 0 && addr[14] == 0 && (addr[15] == 0 || addr[15] == 1);
            return unspecifiedOrLoopback ? null : Embedding.IPV4_COMPATIBLE;
        }
        return null;
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The canonical form of a peer address: {@code addr} itself when it is 4 bytes or a genuine IPv6 address
     * (no allocation), else a new 4-byte array holding the embedded IPv4 address.
     *
     * @throws IllegalArgumentException when {@code addr} is neither 4 nor 16 bytes
     */
    public static byte[] canonicalize(byte[] addr) {
        if (addr.length == 4) {
            return addr;
        }
        int off = ipv4Offset(addr);
        if (off < 0) {
            return addr;
        }
        return new byte[] {addr[off], addr[off + 1], addr[off + 2], addr[off + 3]};
    }

    /** The IPv4 address at {@code offset} as a big-endian int (for primitive-keyed maps). */
    public static int ipv4AsInt(byte[] addr, int offset) {
        return (addr[offset] & 0xff) << 24 | (addr[offset + 1] & 0xff) << 16 | (addr[offset + 2] & 0xff) << 8
                | (addr[offset + 3] & 0xff);
    }

    /**
     * The special range {@code addr} falls in, or {@code null} for an ordinary address. Embedded IPv4 forms are
     * classified by their IPv4 address (without allocating).
     */
    public static SpecialRange classify(byte[] addr) {
        int off = ipv4Offset(addr);
        if (off >= 0) {
            int a = addr[off] & 0xff;
            int b = addr[off + 1] & 0xff;
            if (a == 0) {
                return SpecialRange.UNSPECIFIED;
            }
            if (a == 127) {
                return SpecialRange.LOOPBACK;
            }
            if (a == 169 && b == 254) {
                return SpecialRange.LINK_LOCAL;
            }
            if (a >= 224 && a <= 239) {
                return SpecialRange.MULTICAST;
            }
            if (a == 255 && b == 255 && (addr[off + 2] & 0xff) == 255 && (addr[off + 3] & 0xff) == 255) {
                return SpecialRange.BROADCAST;
            }
            return null;
        }
        if (zero(addr, 0, 15)) {
            return addr[15] == 0 ? SpecialRange.UNSPECIFIED : addr[15] == 1 ? SpecialRange.LOOPBACK : null;
        }
        if ((addr[0] & 0xff) == 0xfe && (addr[1] & 0xc0) == 0x80) {
            return SpecialRange.LINK_LOCAL;
        }
        if ((addr[0] & 0xff) == 0xff) {
            return SpecialRange.MULTICAST;
        }
        if ((addr[0] & 0xfe) == 0xfc) {
            return SpecialRange.UNIQUE_LOCAL;
        }
        if (addr[0] == 0x20 && addr[1] == 0x01 && addr[2] == 0 && addr[3] == 0) {
            return SpecialRange.TEREDO;
        }
        if (addr[0] == 0x00 && addr[1] == 0x64 && (addr[2] & 0xff) == 0xff && (addr[3] & 0xff) == 0x9b
                && addr[4] == 0 && addr[5] == 0x01) {
            return SpecialRange.NAT64_LOCAL_USE;
        }
        return null;
    }

    /**
     * Does endpoint {@code e} satisfy the special-range rule for {@code addr} (any form; canonicalised here)? For
     * an ordinary address: always true (no explicit naming needed). For a special address: true iff {@code e}
     * contains it and lies within its special range, i.e. names the range explicitly — {@code 127.0.0.1} and
     * {@code 127.0.0.0/8} name the loopback range, {@code 0.0.0.0/0} and {@code 64.0.0.0/2} merely cover it.
     */
    public static boolean explicitlyNamed(Endpoint e, byte[] addr) {
        byte[] c = canonicalize(addr);
        SpecialRange r = classify(c);
        if (r == null) {
            return true;
        }
        // e contains c and is at least as specific as the range (which contains c) => e lies within the range
        return e.containsAddress(c) && e.prefixLength() >= r.rangeFor(c).prefixLength();
    }

    /**
     * The admission test of one endpoint, IP only (stunner-compat §1c.2 plus the special-range rule): the
     * endpoint contains the canonical address and, if the address is special, names its range explicitly.
     */
    public static boolean admits(Endpoint e, byte[] addr) {
        byte[] c = canonicalize(addr);
        return e.containsAddress(c) && explicitlyNamed(e, c);
    }

    /**
     * Parses an IP literal exactly as written: dotted IPv4 gives 4 bytes, any IPv6 form (including
     * {@code ::ffff:a.b.c.d}) gives 16 bytes, so the embedded form stays visible. No DNS. {@code null} when
     * {@code s} is not an IP literal.
     */
    public static byte[] parseLiteral(String s) {
        byte[] addr = Endpoint.parseIpLiteral(s);
        if (addr != null && addr.length == 4 && s.indexOf(':') >= 0) {
            // Written as IPv4-mapped IPv6, which Endpoint folds to 4 bytes: keep the form as written.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(addr, 0, mapped, 12, 4);
            return mapped;
        }
        return addr;
    }
}
