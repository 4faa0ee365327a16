/**
 * End-to-end TURN load generator and its report: {@link io.turngate.bench.load.LoadGenerator} opens N allocations
 * (RFC 8656 §7 Allocate with long-term credentials, RFC 8489 §9.2), binds each to a UDP echo peer it runs itself
 * on loopback (ChannelBind, RFC 8656 §11, or CreatePermission + Send/Data indications, §9-10), relays timestamped
 * probes through the server and writes a {@link io.turngate.bench.load.LoadResult} JSON file;
 * {@link io.turngate.bench.load.HtmlReport} turns such files into a self-contained HTML page and a Markdown table.
 *
 * <p>Specs: <a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656</a> (TURN),
 * <a href="https://www.rfc-editor.org/rfc/rfc8489">RFC 8489</a> (STUN). Control-plane messages are built and
 * parsed with {@code io.turngate.stun.StunCodec}; the data plane uses the static accessors of
 * {@link io.turngate.bench.load.Wire} on pooled buffers.
 *
 * <p><b>Threading:</b> every allocation, echo peer and counter belongs to one Netty event loop, wrapped by a
 * {@link io.turngate.bench.load.Worker}; the main thread only submits tasks to the loops (start an epoch, take a
 * snapshot) and reads {@code /proc} for the server's CPU time and memory.
 */
package io.turngate.bench.load;
