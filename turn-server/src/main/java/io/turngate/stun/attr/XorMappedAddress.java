package io.turngate.stun.attr;

import java.net.InetSocketAddress;

/**
 * XOR-MAPPED-ADDRESS, RFC 8489 §14.2: the reflexive transport address of the client, XOR-ed with the magic cookie (and
 * the transaction ID for IPv6).
 *
 * <p>Family 0x01 (IPv4, 8-byte value) or 0x02 (IPv6, 20-byte value). The port is XOR-ed with the top 16 bits of the
 * magic cookie, an IPv4 address with the cookie, an IPv6 address with cookie || transaction ID. Decoding builds the
 * address from raw bytes ({@code InetAddress.getByAddress}), never by DNS; an IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}) therefore decodes to an {@code Inet4Address} (Java's canonical form) and re-encodes as
 * family IPv4.
 *
 * @param address a resolved address (never unresolved)
 */
public record XorMappedAddress(InetSocketAddress address) implements StunAttribute {

    public XorMappedAddress {
        Addresses.requireResolved(address, "XOR-MAPPED-ADDRESS");
    }

    @Override
    public int type() {
        return AttributeType.XOR_MAPPED_ADDRESS;
    }
}
