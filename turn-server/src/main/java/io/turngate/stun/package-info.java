/**
 * The STUN message layer (RFC 8489 §5–§6, §14, §18): message type (method + class), transaction ID, the immutable
 * {@link io.turngate.stun.StunMessage} record, the pure {@link io.turngate.stun.StunCodec} between one message in a
 * Netty {@code ByteBuf} and that record (FINGERPRINT verified while decoding, MESSAGE-INTEGRITY verified later from
 * the raw bytes kept in {@link io.turngate.stun.ReceivedStun}), the open {@link io.turngate.stun.ErrorCode}
 * registry, and allocation-free header peeks ({@link io.turngate.stun.StunHeader}) for the hot path. This package
 * knows nothing about channels or sockets; attributes live in {@code io.turngate.stun.attr}.
 *
 * <p>Threading: no mutable state; every type is immutable or a set of static functions, safe on any thread.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8489">RFC 8489: Session Traversal Utilities for NAT (STUN)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656: Traversal Using Relays around NAT (TURN)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5769">RFC 5769: Test Vectors for STUN</a>
 * @see <a href="https://www.iana.org/assignments/stun-parameters">IANA STUN parameters</a>
 */
package io.turngate.stun;
