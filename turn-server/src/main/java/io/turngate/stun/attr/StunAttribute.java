package io.turngate.stun.attr;

/**
 * One STUN attribute, RFC 8489 §14: a typed, immutable value. Every attribute the codec understands is its own
 * record; anything else is kept as an {@link UnknownAttribute} so that a 420 response can list it (RFC 8489 §14.13).
 * Dispatch with {@code instanceof} patterns or on {@link #type()} (Java 17 has no pattern-matching switch).
 */
public sealed interface StunAttribute
        permits MappedAddress, XorMappedAddress, XorPeerAddress, XorRelayedAddress,
                Username, Realm, Nonce, Software,
                ErrorCodeAttribute, UnknownAttributes, Lifetime, Data,
                RequestedTransport, RequestedAddressFamily, AdditionalAddressFamily, AddressErrorCode, ChannelNumber, EvenPort,
                ReservationToken, DontFragment,
                MessageIntegrity, MessageIntegritySha256, PasswordAlgorithm, PasswordAlgorithms, UserHash,
                Fingerprint, UnknownAttribute {

    /** The 16-bit attribute type, see {@link AttributeType}. */
    int type();
}
