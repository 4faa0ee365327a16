package io.turngate.stun.attr;

import java.net.InetSocketAddress;

/**
 * XOR-RELAYED-ADDRESS, RFC 8656 §18.5: the relayed transport address allocated by the server, encoded like
 * XOR-MAPPED-ADDRESS.
 *
 * <p>Family 0x01 (IPv4, 8-byte value) or 0x02 (IPv6, 20-byte value). XOR-ed as in XOR-MAPPED-ADDRESS (RFC 8489 §14.2).
 * Decoding builds the address from raw bytes ({@code InetAddress.getByAddress}), never by DNS; an IPv4-mapped IPv6
 * address ({@code ::ffff:a.b.c.d}) therefore decodes to an {@code Inet4Address} (Java's canonical form) and re-encodes
 * as family IPv4.
 *
 * @param address a resolved address (never unresolved)
 */
public record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {

    public XorRelayedAddress {
        Addresses.requireResolved(address, "XOR-RELAYED-ADDRESS");
    }

    @Override
    public int type() {
        return AttributeType.XOR_RELAYED_ADDRESS;
    }
}
