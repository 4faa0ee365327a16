/**
 * JMH benchmarks of authentication: MESSAGE-INTEGRITY verification (HMAC-SHA1, RFC 8489 §14.5), the long-term key
 * (RFC 8489 §9.2.2), TURN REST ephemeral passwords (draft-uberti-behave-turn-rest) and turngate's whole request
 * check ({@code io.turngate.turn.RequestAuthenticator}).
 *
 * <p>Specs: <a href="https://www.rfc-editor.org/rfc/rfc8489#section-9.2">RFC 8489 §9.2</a>,
 * <a href="https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00">TURN REST</a>.
 *
 * <p><b>Threading:</b> every benchmark state is {@code Scope.Thread}: owned by the one JMH worker thread that runs
 * it.
 */
package io.turngate.bench.auth;
