/**
 * TURN state, transport-agnostic (RFC 8656 §6, §9, §12): {@link io.turngate.turn.Allocation} with its permissions
 * and channel bindings, the per-event-loop {@link io.turngate.turn.AllocationTable} keyed by the client's 5-tuple,
 * the {@link io.turngate.turn.Refusal} table (the one place that maps a refusal to a STUN error code),
 * authentication ({@link io.turngate.turn.RequestAuthenticator}) and the listener's route policy
 * ({@link io.turngate.turn.RoutePolicy}). And the interfaces through which the core meets the rest:
 * {@link io.turngate.turn.ClientTransport} (the way to a client: UDP, TCP, TLS or DTLS),
 * {@link io.turngate.turn.RelaySocket} and {@link io.turngate.turn.RelayPortAllocator} (the relay side),
 * {@link io.turngate.turn.TurnCounters} and {@link io.turngate.turn.TurnListener}. The request and data-path
 * handlers live in {@code io.turngate.turn.handler}.
 *
 * <p>Dependencies point one way: {@code stun} ← {@code turn} ← {@code turn.handler} ← {@code relay} ← {@code server}.
 * Nothing here imports a Netty channel, a socket or a send batch; buffers are {@code ByteBuf}s.
 *
 * <p>Threading: an allocation table and every allocation in it belong to one event loop (the one its client's
 * transport and its relay socket are registered on); no locks. {@code RequestAuthenticator}, {@code RoutePolicy},
 * {@code SelfAddresses} and {@code SourceRateLimiter} are thread-safe and shared by every loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656: Traversal Using Relays around NAT (TURN)</a>
 */
package io.turngate.turn;
