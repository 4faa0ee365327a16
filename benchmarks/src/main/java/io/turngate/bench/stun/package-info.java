/**
 * JMH benchmarks of the STUN codec ({@code io.turngate.stun}): decoding a datagram into a message record and the
 * allocation-free header peeks (RFC 8489 §5), and encoding responses with their MESSAGE-INTEGRITY and FINGERPRINT
 * trailer (RFC 8489 §14.5, §14.7).
 *
 * <p>Specs: <a href="https://www.rfc-editor.org/rfc/rfc8489">RFC 8489</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc5769">RFC 5769</a> (message shapes).
 *
 * <p><b>Threading:</b> every benchmark state is {@code Scope.Thread}: owned by the one JMH worker thread that runs
 * it.
 */
package io.turngate.bench.stun;
