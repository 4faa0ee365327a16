/**
 * The TURN core: what the server does with a STUN message or a datagram, whatever transport the client uses (RFC
 * 8656 §7–§12). {@link io.turngate.turn.handler.TurnRequestDispatcher} decodes, authenticates and dispatches
 * requests to one handler per method (Binding, Allocate, Refresh, CreatePermission, ChannelBind), each quoting its
 * RFC section's checks in order; {@link io.turngate.turn.handler.SendIndicationHandler},
 * {@link io.turngate.turn.handler.ChannelDataHandler} and {@link io.turngate.turn.handler.PeerDataHandler} are the
 * data path, allocation-free. Everything works on a {@link io.turngate.turn.ClientTransport}, which frames and sends;
 * a transport (turngate's UDP listener socket today; TCP, TLS and DTLS listeners next) builds one
 * {@link io.turngate.turn.handler.TurnContext} per allocation table and feeds these handlers.
 *
 * <p>Threading: every handler on the event loop of its context's allocation table.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656: Traversal Using Relays around NAT (TURN)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8489">RFC 8489: Session Traversal Utilities for NAT (STUN)</a>
 */
package io.turngate.turn.handler;
