/**
 * STUN and TURN attributes as immutable records, one file per attribute, each named after its RFC section
 * (RFC 8489 §14, RFC 8656 §18), under the sealed {@link io.turngate.stun.attr.StunAttribute}. Types the codec does
 * not understand are kept as {@link io.turngate.stun.attr.UnknownAttribute} so that the server can answer 420 with
 * UNKNOWN-ATTRIBUTES for comprehension-required ones (RFC 8489 §6.3.1.1) and ignore optional ones such as Chrome's
 * ORIGIN. {@link io.turngate.stun.attr.AttributeType} is the open registry of 16-bit type codes. Wire encoding and
 * decoding live in {@code io.turngate.stun.StunCodec}; the records only validate their own values.
 *
 * <p>Threading: records are immutable (byte-array components are not copied and must not be modified), safe to
 * share between threads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8489#section-14">RFC 8489 §14: STUN Attributes</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656#section-18">RFC 8656 §18: New STUN Attributes</a>
 * @see <a href="https://www.iana.org/assignments/stun-parameters">IANA STUN parameters</a>
 */
package io.turngate.stun.attr;
