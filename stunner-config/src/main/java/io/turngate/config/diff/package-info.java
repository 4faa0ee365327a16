/**
 * Reconciliation planning: {@link io.turngate.config.diff.ConfigDiff#between} compares two validated stunnerd
 * configs by object name and says which listeners to start, stop, restart or update in place, which clusters
 * were added, removed or changed, and whether auth or admin changed — the rules of stunnerd's reconciler
 * ({@code shared/docs/stunner-compat.md} §1f), except that a realm change (REALM, <a
 * href="https://www.rfc-editor.org/rfc/rfc8489#section-14.9">RFC 8489 §14.9</a>) is only reported, not turned
 * into restarts. Pure functions over immutable values; no thread owns any state here, callers apply the
 * diff on whichever thread reconciles.
 */
package io.turngate.config.diff;
