/**
 * Authentication primitives for the STUN long-term credential mechanism (RFC 8489 §9.2): the MD5 and SHA-256
 * long-term keys and USERHASH ({@link io.turngate.auth.LongTermCredentials}, §9.2.2, §14.4, §18.5.1) with the
 * OpaqueString profile they use ({@link io.turngate.auth.OpaqueString}, RFC 8265), TURN REST API ephemeral
 * credentials ({@link io.turngate.auth.EphemeralCredentials}, draft-uberti-behave-turn-rest-00) and stateless,
 * client-bound, HMAC-signed nonces with the nonce cookie of §9.2.1 ({@link io.turngate.auth.StatelessNonce}). Depends only on the JDK; the request-level flow
 * (401/438/400 decisions) belongs to the TURN handlers.
 *
 * <p>Threading: static functions and immutable objects only, safe on any event loop. Secrets, passwords and keys are
 * never logged or included in {@code toString()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8489#section-9.2">RFC 8489 §9.2: Long-Term Credential Mechanism</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00">TURN REST API draft</a>
 */
package io.turngate.auth;
