/**
 * JMH benchmarks of the data plane: one ChannelData relay step (RFC 8656 §12.5) from the datagram's first byte to
 * the relay socket's {@code sendto}/{@code sendmmsg}, and the framing of peer data back to the client (§11.3,
 * §12.5). See {@link io.turngate.bench.relay.ChannelDataRelayBenchmark} for exactly which code runs.
 *
 * <p>Specs: <a href="https://www.rfc-editor.org/rfc/rfc8656#section-12">RFC 8656 §12</a> (channels),
 * <a href="https://www.rfc-editor.org/rfc/rfc7983">RFC 7983</a> (demultiplexing).
 *
 * <p><b>Threading:</b> the benchmark state is {@code Scope.Thread}; its relay channel is registered on a
 * {@code ManualIoEventLoop} owned by the JMH worker thread, which is therefore that channel's event loop thread.
 */
package io.turngate.bench.relay;
