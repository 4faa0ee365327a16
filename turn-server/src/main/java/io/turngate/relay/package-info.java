/**
 * The relay's data path on UDP: ChannelData framing (RFC 8656 §12.4, §12.5) and Send/Data indications (RFC 8656
 * §11) read and written with static accessors straight over Netty buffers; {@link io.turngate.relay.SegmentBatch},
 * which coalesces one read batch's same-size datagrams to one destination into a UDP GSO send (udp(7),
 * {@code UDP_SEGMENT}); and the relay sockets of allocations: {@link io.turngate.relay.UdpRelayPortAllocator} binds
 * them (EVEN-PORT, RESERVATION-TOKEN), {@link io.turngate.relay.UdpRelaySocket} batches what goes to peers, and
 * {@link io.turngate.relay.RelayHandler} hands what comes from peers to the TURN core. Whatever the client's
 * transport, the relay side is UDP.
 *
 * <p>Threading: the readers keep no state between calls except {@link io.turngate.relay.Indications}' last parse;
 * a relay socket, its batch and the {@code SegmentBatch.Gso} switch it shares belong to the event loop of the
 * allocation it serves.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656#section-12">RFC 8656 §12: Channels</a>
 */
package io.turngate.relay;
