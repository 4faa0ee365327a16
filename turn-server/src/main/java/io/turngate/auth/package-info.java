/**
 * Authentication primitives for the STUN long-term credential mechanism (RFC 8489 §9.2) as STUNner uses it: the
 * MD5 long-term key ({@link io.turngate.auth.LongTermCredentials}), TURN REST API ephemeral credentials
 * ({@link io.turngate.auth.EphemeralCredentials}, draft-uberti-behave-turn-rest-00) and stateless, client-bound,
 * HMAC-signed nonces ({@link io.turngate.auth.StatelessNonce}). Depends only on the JDK; the request-level flow
 * (401/438/400 decisions) belongs to the TURN handlers.
 *
 * <p>Threading: static functions and immutable objects only, safe on any event loop. Secrets, passwords and keys are
 * never logged or included in {@code toString()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8489#section-9.2">RFC 8489 §9.2: Long-Term Credential Mechanism</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00">TURN REST API draft</a>
 */
package io.turngate.auth;
