/**
 * The relay's data path: ChannelData framing (RFC 8656 §12.4, §12.5) and Send/Data indications (RFC 8656 §10,
 * §11) read and written with static accessors straight over Netty buffers, and {@link io.turngate.relay.SegmentBatch},
 * which coalesces one read batch's same-size datagrams to one destination into a UDP GSO send (udp(7),
 * {@code UDP_SEGMENT}).
 *
 * <p>Threading: the readers keep no state between calls except {@link io.turngate.relay.Indications}' last parse,
 * and a {@code SegmentBatch} belongs to the event loop of the listener socket whose allocation holds it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656#section-12">RFC 8656 §12: Channels</a>
 */
package io.turngate.relay;
