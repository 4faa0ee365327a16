package io.turngate.turn.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.AdditionalAddressFamily;
import io.turngate.stun.attr.AddressErrorCode;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.ReservationToken;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.RelaySocket;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.TurnFailure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * Allocate (RFC 8656 §7.2), after step 1 (the long-term credentials, checked by the dispatcher): the checks of
 * steps 2 to 7 in the RFC's order, then a relay socket from the {@link RelayPortAllocator}, which may complete
 * later; meanwhile retransmissions from the same 5-tuple are dropped (the client retransmits until it gets the
 * answer). The success response is kept with the allocation and sent again for a retransmission of the same
 * transaction (step 2).
 */
final class AllocateHandler {
    private static final Logger LOG = Logs.get("turn");

    private final TurnContext ctx;
    private final Responses responses;
    private final AllocationLifecycle lifecycle;
    private final RelayPortAllocator relayPorts;
    /** Allocates waiting for their relay socket, by the client's 5-tuple. */
    private final Map<Object, Pending> pending = new HashMap<>();

    AllocateHandler(TurnContext ctx, Responses responses, AllocationLifecycle lifecycle, RelayPortAllocator relayPorts) {
        this.ctx = ctx;
        this.responses = responses;
        this.lifecycle = lifecycle;
        this.relayPorts = relayPorts;
    }

    void handle(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who) throws TurnFailure {
        StunMessage req = r.message();
        Object fiveTuple = client.fiveTuple();
        Allocation existing = ctx.allocations.get(fiveTuple);
        if (existing != null) {
            // Step 2: same 5-tuple. A retransmission (same transaction id) gets the same success response.
            if (existing.allocateTransaction().equals(req.transactionId())) {
                client.sendResponse(Unpooled.wrappedBuffer(existing.allocateResponse()));
                return;
            }
            throw new TurnFailure(Refusal.ALLOCATION_EXISTS, "allocation exists for " + client.remoteAddress());
        }
        if (pending.containsKey(fiveTuple)) {
            return; // relay socket still binding; the client will retransmit
        }
        // Step 3: REQUESTED-TRANSPORT must be present and UDP.
        RequestedTransport transport = req.attribute(RequestedTransport.class);
        if (transport == null) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "no REQUESTED-TRANSPORT");
        }
        if (transport.protocol() != 17) {
            throw new TurnFailure(Refusal.UNSUPPORTED_TRANSPORT, "REQUESTED-TRANSPORT " + transport.protocol()
                    + " (expected: 17 UDP)");
        }
        // Step 4: DONT-FRAGMENT is accepted; loopback and Kubernetes pod networks do not fragment relay traffic.
        // Steps 5-6: RESERVATION-TOKEN excludes EVEN-PORT and the address-family attributes (the reserved port's
        // family is the one it was reserved in).
        EvenPort evenPort = req.attribute(EvenPort.class);
        ReservationToken token = req.attribute(ReservationToken.class);
        RequestedAddressFamily family = req.attribute(RequestedAddressFamily.class);
        AdditionalAddressFamily additional = req.attribute(AdditionalAddressFamily.class);
        if (token != null && (evenPort != null || family != null || additional != null)) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "RESERVATION-TOKEN with EVEN-PORT, REQUESTED-ADDRESS-FAMILY or"
                    + " ADDITIONAL-ADDRESS-FAMILY");
        }
        // §7.2: REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY together: 400; ADDITIONAL-ADDRESS-FAMILY IPv4
        // (a dual allocation is an IPv4 one plus IPv6): 400.
        if (family != null && additional != null) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "both REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY");
        }
        if (additional != null && additional.family() != RequestedAddressFamily.IPV6) {
            throw new TurnFailure(additional.family() == RequestedAddressFamily.IPV4 ? Refusal.BAD_REQUEST
                    : Refusal.ADDRESS_FAMILY_NOT_SUPPORTED, "ADDITIONAL-ADDRESS-FAMILY " + additional.family()
                    + " (expected: 2, IPv6)");
        }
        // §7.2: the relayed address's family is the requested one (independent of the client's own family); without
        // REQUESTED-ADDRESS-FAMILY the listener's default (its relay address's family: IPv4 unless the listener's
        // address is IPv6); a dual allocation's first address is IPv4. A family the listener has no relay address
        // for: 440.
        boolean ipv4;
        if (family != null) {
            if (family.family() != RequestedAddressFamily.IPV4 && family.family() != RequestedAddressFamily.IPV6) {
                throw new TurnFailure(Refusal.ADDRESS_FAMILY_NOT_SUPPORTED, "REQUESTED-ADDRESS-FAMILY "
                        + family.family() + " (expected: 1 IPv4 or 2 IPv6)");
            }
            ipv4 = family.family() == RequestedAddressFamily.IPV4;
        } else {
            ipv4 = additional != null || ctx.listener.relayAddress() instanceof Inet4Address;
        }
        InetAddress relayAddress = ctx.listener.relayAddress(ipv4);
        if (relayAddress == null) {
            throw new TurnFailure(Refusal.ADDRESS_FAMILY_NOT_SUPPORTED, "no " + (ipv4 ? "IPv4" : "IPv6")
                    + " relay address on listener " + ctx.listener.name());
        }
        // Step 7: quota (admin.user_quota: 486), and turngate's allocation caps (508).
        Refusal limit = ctx.listener.acquireAllocation(who.username());
        if (limit != null) {
            throw new TurnFailure(limit, limit == Refusal.QUOTA_REACHED ? "user_quota reached for " + who.username()
                    : "allocation limit reached (--max-allocations or --max-allocations-per-listener)");
        }
        Lifetime lifetime = req.attribute(Lifetime.class);
        long granted = Allocation.grantLifetime(lifetime == null ? -1 : lifetime.seconds());
        Pending p = new Pending(r, client, who, granted, relayAddress, additional);
        pending.put(fiveTuple, p);
        // Steps 5-6: the relay port (a reserved one for a RESERVATION-TOKEN, 508 when unknown; an even one, maybe
        // with the next reserved, for EVEN-PORT: the IPv4 socket's of a dual allocation).
        relayPorts.allocate(new RelayPortAllocator.Request(ipv4, evenPort != null,
                evenPort != null && evenPort.reserve(), token == null ? null : token.token()), p);
    }

    /** The client of {@code fiveTuple} went away: its Allocate waiting for a relay socket is dropped, its quota back. */
    void abandon(Object fiveTuple) {
        Pending p = pending.remove(fiveTuple);
        if (p != null) {
            p.drop();
        }
    }

    /** The listener closed: Allocates still waiting for their relay socket are dropped and their quota goes back. */
    void abandonPending() {
        for (Pending p : new ArrayList<>(pending.values())) {
            p.drop();
        }
        pending.clear();
    }

    /**
     * An Allocate waiting for its relay socket: the {@link RelayPortAllocator}'s completion. A dual allocation
     * (ADDITIONAL-ADDRESS-FAMILY) waits for its IPv4 socket, then for its IPv6 one ({@link Additional}).
     */
    private final class Pending implements RelayPortAllocator.Completion {
        private final ReceivedStun request;
        private final ClientTransport client;
        private final RequestAuthenticator.Authenticated who;
        private final long lifetimeSeconds;
        private final InetAddress relayAddress;
        private final boolean dual;
        /** The request's ADDITIONAL-ADDRESS-FAMILY was coturn's pre-4.8 0x8032: answer with 0x8033. */
        private final boolean draftCodePoints;
        /** A dual allocation's IPv4 socket while its IPv6 one binds. */
        private RelaySocket first;
        private Long firstToken;

        Pending(ReceivedStun request, ClientTransport client, RequestAuthenticator.Authenticated who,
                long lifetimeSeconds, InetAddress relayAddress, AdditionalAddressFamily additional) {
            this.request = request;
            this.client = client;
            this.who = who;
            this.lifetimeSeconds = lifetimeSeconds;
            this.relayAddress = relayAddress;
            this.dual = additional != null;
            this.draftCodePoints = additional != null && additional.draft();
        }

        @Override
        public boolean wanted() {
            return pending.get(client.fiveTuple()) == this;
        }

        @Override
        public void allocated(RelaySocket relay, Long reservationToken) {
            if (!wanted()) {
                relay.close();
                return;
            }
            if (!dual) {
                complete(this, relay, reservationToken, null, null, null);
                return;
            }
            InetAddress v6 = ctx.listener.relayAddress(false);
            if (v6 == null) {
                // §7.2: the IPv4 half only, and ADDRESS-ERROR-CODE 440 for IPv6.
                complete(this, relay, reservationToken, null, null, Refusal.ADDRESS_FAMILY_NOT_SUPPORTED);
                return;
            }
            first = relay;
            firstToken = reservationToken;
            relayPorts.allocate(new RelayPortAllocator.Request(false, false, false, null), new Additional(this, v6));
        }

        @Override
        public void failed(Refusal refusal, String detail) {
            if (wanted()) {
                fail(this, refusal, detail);
            }
        }

        /** Abandoned: the quota goes back, and a dual allocation's IPv4 socket closes. */
        void drop() {
            ctx.listener.releaseAllocation(who.username());
            if (first != null) {
                first.close();
                first = null;
            }
        }
    }

    /** The IPv6 socket of a dual allocation whose IPv4 socket is bound ({@link Pending#first}). */
    private final class Additional implements RelayPortAllocator.Completion {
        private final Pending p;
        private final InetAddress relayAddress;

        Additional(Pending p, InetAddress relayAddress) {
            this.p = p;
            this.relayAddress = relayAddress;
        }

        @Override
        public boolean wanted() {
            return p.wanted();
        }

        @Override
        public void allocated(RelaySocket relay, Long reservationToken) {
            if (!wanted()) {
                relay.close();
                return;
            }
            complete(p, p.first, p.firstToken, relay, relayAddress, null);
        }

        @Override
        public void failed(Refusal refusal, String detail) {
            if (wanted()) {
                // §7.2: the IPv4 half, with the IPv6 half's failure (e.g. 508) as ADDRESS-ERROR-CODE.
                LOG.debug("listener {}: dual Allocate from {}: no IPv6 relay socket: {}", ctx.listener.name(),
                        Logs.hostPort(p.client.remoteAddress()), detail);
                complete(p, p.first, p.firstToken, null, null, refusal);
            }
        }
    }

    private void fail(Pending p, Refusal refusal, String detail) {
        pending.remove(p.client.fiveTuple());
        ctx.listener.releaseAllocation(p.who.username());
        responses.error(p.request, p.client, refusal, p.who, null);
        p.client.flush(); // may complete outside a read batch
        long suppressed = ctx.listener.refusalLog().acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: Allocate from {} refused with {}: {}{}", ctx.listener.name(),
                    Logs.hostPort(p.client.remoteAddress()), refusal.errorCode().code(), detail,
                    LogLimiter.suffix(suppressed));
        }
    }

    /**
     * Every check passed and the relay socket is bound: the success response (§7.2) with XOR-RELAYED-ADDRESS (two
     * for a dual allocation, IPv4 first), ADDRESS-ERROR-CODE for the IPv6 half of a dual allocation that could not be
     * had, LIFETIME, RESERVATION-TOKEN (when the next port was reserved) and XOR-MAPPED-ADDRESS.
     *
     * @param additional        the IPv6 socket of a dual allocation, or {@code null}
     * @param additionalAddress its advertised address, or {@code null}
     * @param additionalFailure why a dual allocation has no IPv6 socket, or {@code null}
     */
    private void complete(Pending p, RelaySocket relay, Long reservationToken, RelaySocket additional,
                          InetAddress additionalAddress, Refusal additionalFailure) {
        pending.remove(p.client.fiveTuple());
        p.first = null;
        ClientTransport client = p.client;
        InetSocketAddress relayed = new InetSocketAddress(p.relayAddress, relay.port());
        InetSocketAddress relayed6 = additional == null ? null : new InetSocketAddress(additionalAddress,
                additional.port());
        StunMessage request = p.request.message();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new XorRelayedAddress(relayed));
        if (relayed6 != null) {
            attrs.add(new XorRelayedAddress(relayed6));
        }
        if (additionalFailure != null) {
            attrs.add(new AddressErrorCode(RequestedAddressFamily.IPV6, additionalFailure.errorCode().code(),
                    additionalFailure.errorCode().reason(), p.draftCodePoints));
            ctx.counters.refused(additionalFailure);
        }
        attrs.add(new Lifetime(p.lifetimeSeconds));
        if (reservationToken != null) {
            attrs.add(new ReservationToken(reservationToken));
        }
        attrs.add(new XorMappedAddress(client.remoteAddress()));
        StunMessage resp = new StunMessage(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, request.transactionId(),
                attrs);
        ByteBuf encoded = StunCodec.encode(resp, client.alloc(), p.who.key(), p.who.integrity(),
                p.request.fingerprintPresent());
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.getBytes(encoded.readerIndex(), bytes);
        long now = ctx.nanoClock.getAsLong();
        Allocation a = new Allocation(client, relay, relayed, additional, relayed6, p.who.username(),
                request.transactionId(), bytes, now, now + TimeUnit.SECONDS.toNanos(p.lifetimeSeconds));
        lifecycle.created(a, p.lifetimeSeconds);
        client.sendResponse(encoded);
        client.flush(); // may complete outside a read batch: nothing else would flush it
    }
}
