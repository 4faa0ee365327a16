/**
 * JMH benchmarks of the TURN control plane end to end: a full Allocate handshake with long-term credentials and its
 * deletion (RFC 8656 §7.2, §8.2; RFC 8489 §9.2) against an in-process {@code io.turngate.server.Gateway} over
 * loopback.
 *
 * <p>Specs: <a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc8489">RFC 8489</a>.
 *
 * <p><b>Threading:</b> the benchmark state (client socket, gateway handle) is {@code Scope.Thread}, owned by the
 * JMH worker thread; the gateway runs on its own {@code turngate-udp} event loop threads.
 */
package io.turngate.bench.turn;
