package io.turngate.stun.attr;

import java.net.InetSocketAddress;

/**
 * MAPPED-ADDRESS, RFC 8489 §14.1: the reflexive transport address of the client (legacy, not XOR-ed).
 *
 * <p>Family 0x01 (IPv4, 8-byte value) or 0x02 (IPv6, 20-byte value). Decoding builds the address from raw bytes
 * ({@code InetAddress.getByAddress}), never by DNS; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) therefore
 * decodes to an {@code Inet4Address} (Java's canonical form) and re-encodes as family IPv4.
 *
 * @param address a resolved address (never unresolved)
 */
public record MappedAddress(InetSocketAddress address) implements StunAttribute {

    public MappedAddress {
        Addresses.requireResolved(address, "MAPPED-ADDRESS");
    }

    @Override
    public int type() {
        return AttributeType.MAPPED_ADDRESS;
    }
}
