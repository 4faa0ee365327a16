/**
 * The stunnerd dataplane config, API version {@code v1}, as immutable records: {@link
 * io.turngate.config.v1.StunnerConfig} with its {@code admin}, {@code auth}, {@code listeners[]} and {@code
 * clusters[]} sections, the closed value sets (listener protocol, auth type, cluster type and protocol) with
 * STUNner's aliases, the STATIC cluster {@link io.turngate.config.v1.Endpoint} grammar and stunnerd's {@link
 * io.turngate.config.v1.Defaults}. Field names and semantics follow STUNner's {@code pkg/apis/v1} (see
 * {@code shared/docs/stunner-compat.md} §1a); long-term and TURN REST credentials are those of
 * <a href="https://www.rfc-editor.org/rfc/rfc8489#section-9.2">RFC 8489 §9.2</a> and
 * <a href="https://datatracker.ietf.org/doc/html/draft-uberti-behave-turn-rest-00">draft-uberti-behave-turn-rest</a>.
 * Instances are values: any thread may read them, nothing here holds mutable state. They are built by
 * {@code io.turngate.config.load.ConfigLoader}, which validates and normalises them, so {@code equals} is the
 * reconciliation test.
 */
package io.turngate.config.v1;
