package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;

/**
 * An allocation-free reader of Send indications (RFC 8656 §11.1): finds XOR-PEER-ADDRESS and DATA by offset and
 * keeps the results in fields until the next parse. Implemented by the relay's {@code io.turngate.relay.Indications};
 * an interface here so that the TURN core needs nothing from the relay package (the arrow points turn ← relay).
 *
 * <p>Threading: one instance per event loop.
 */
public interface SendIndicationReader {
    /**
     * Parses the Send indication of {@code length} bytes at {@code offset}; {@code false} (drop) when it is
     * malformed, lacks XOR-PEER-ADDRESS or DATA, or carries a FINGERPRINT that does not match.
     */
    boolean parseSend(ByteBuf buf, int offset, int length);

    /** Comprehension-required attributes the reader did not know (RFC 8489 §6.3.2: such an indication is dropped). */
    int unknownRequired();

    /** 4 or 6. */
    int peerFamily();

    int peerPort();

    /** The IPv4 peer as an int (network order), when {@link #peerFamily()} is 4. */
    int peerIpv4();

    /** The first 8 bytes of an IPv6 peer (network order). */
    long peerIpv6High();

    /** The last 8 bytes of an IPv6 peer (network order). */
    long peerIpv6Low();

    /** Where the DATA value starts in the parsed buffer. */
    int dataOffset();

    int dataLength();
}
