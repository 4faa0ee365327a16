package io.turngate.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.turngate.config.route.PeerAddresses;
import io.turngate.log.LogLimiter;
import io.turngate.log.Logs;
import io.turngate.relay.ChannelData;
import io.turngate.relay.Indications;
import io.turngate.relay.SegmentBatch;
import io.turngate.relay.UdpRelayPortAllocator;
import io.turngate.relay.UdpRelaySocket;
import io.turngate.stun.ErrorCode;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunHeader;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMessageType;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.ChannelNumber;
import io.turngate.stun.attr.ErrorCodeAttribute;
import io.turngate.stun.attr.EvenPort;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedAddressFamily;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.ReservationToken;
import io.turngate.stun.attr.StunAttribute;
import io.turngate.stun.attr.UnknownAttributes;
import io.turngate.stun.attr.XorMappedAddress;
import io.turngate.stun.attr.XorPeerAddress;
import io.turngate.stun.attr.XorRelayedAddress;
import io.turngate.turn.Allocation;
import io.turngate.turn.AllocationTable;
import io.turngate.turn.ChannelBinding;
import io.turngate.turn.ClientTransport;
import io.turngate.turn.Permission;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.RelaySocket;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.RoutePolicy;
import io.turngate.turn.TurnFailure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * One listener socket: demultiplexes ChannelData from STUN (RFC 7983 first-byte ranges), relays client→peer data
 * on the hot path, and answers TURN requests (RFC 8656 §7–§11) with STUNner's admission rule.
 *
 * <p>Threading: this handler, its allocation table and every allocation's relay channel belong to the event loop
 * of this socket. Nothing here is shared with other loops except through {@link Services} (thread-safe).
 */
final class ListenerSocketHandler extends ChannelInboundHandlerAdapter {
    /** Largest datagram accepted on a listener or relay socket (pion's inbound MTU); larger ones are dropped. */
    static final int MAX_DATAGRAM = 1600;
    /** Receive buffer: one byte more than the limit, so an oversized (truncated) datagram is recognisable. */
    static final int RECEIVE_BUFFER = 2048;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;
    private static final Logger LOG = Logs.get("turn");

    private final ListenerRuntime listener;
    private final Services services;
    /** This socket's allocations by client sender address (the rest of the 5-tuple is this socket's). */
    private final AllocationTable allocations = new AllocationTable();
    /** Clients whose Allocate is waiting for its relay socket to bind; retransmissions meanwhile are dropped. */
    private final Map<Object, PendingAllocate> pendingAllocations = new HashMap<>();
    /**
     * Relay sockets with datagrams for peers batched during the current read. A relay socket joins when its batch
     * goes from empty to pending; the batch empties again only when written at the end of the read or discarded with
     * its allocation, so nobody joins twice.
     */
    private final List<UdpRelaySocket> relaysToFlush = new ArrayList<>();
    /** The same for datagrams to clients ({@link UdpClient}) during the current relay-socket read. */
    private final List<UdpClient> clientsToFlush = new ArrayList<>();
    private final SegmentBatch.Gso gso;
    private final SocketStats stats;
    private final RelayPortAllocator relayPorts;
    private final Indications indications = new Indications();
    private ChannelHandlerContext ctx;
    private Channel channel;
    private ScheduledFuture<?> sweeper;
    private boolean clientFlushPending;

    ListenerSocketHandler(ListenerRuntime listener, Services services) {
        this.listener = listener;
        this.services = services;
        this.gso = new SegmentBatch.Gso(services.gso,
                cause -> LOG.warn("listener {}: a UDP GSO send failed ({}); this socket sends one datagram per system"
                        + " call from now on", listener.name, cause.toString()));
        this.stats = new SocketStats(gso);
        this.relayPorts = new UdpRelayPortAllocator(
                v4 -> services.transport.datagramOptions(new Bootstrap(), RECEIVE_BUFFER)
                        .group(channel.eventLoop())
                        .channelFactory(() -> services.transport.newDatagramChannel(v4)),
                ch -> new UdpRelaySocket(ch, gso, relaysToFlush, a -> new RelayHandler(this, a)),
                services.reservations, services.self, services.nanoClock, stats);
    }

    /** This socket's counters (read on any thread). */
    SocketStats stats() {
        return stats;
    }

    int allocationCount() {
        return allocations.size();
    }

    /** This socket's allocations per username (a copy). On this socket's event loop only. */
    Map<String, Integer> allocationsPerUser() {
        return allocations.allocationsPerUser();
    }

    /** The listener socket. */
    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        closeAll("listener closed");
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------------------------------------ read path

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            ByteBuf buf = packet.content();
            int length = buf.readableBytes();
            int offset = buf.readerIndex();
            stats.received(length);
            if (length > MAX_DATAGRAM) {
                stats.count(Counter.OVERSIZED_DATAGRAMS);
                return;
            }
            if (length < 4) {
                stats.count(Counter.MALFORMED_DATAGRAMS);
                return;
            }
            int first = buf.getUnsignedByte(offset);
            if ((first & 0xC0) == 0x40) {
                onChannelData(buf, offset, length, packet.sender());
            } else if ((first & 0xC0) == 0) {
                onStun(buf, offset, length, packet.sender());
            } else {
                stats.count(Counter.MALFORMED_DATAGRAMS);
            }
        } catch (RuntimeException e) {
            handlerError(e, packet.sender());
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushAll();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket error (e.g. ICMP port unreachable on some platforms) never closes the listener.
        stats.count(Counter.HANDLER_ERRORS);
        LOG.debug("listener {}: socket error (kept serving)", listener.name, cause);
    }

    /** A bug met while handling one datagram: counted and logged (rate-limited), and the socket keeps serving. */
    void handlerError(RuntimeException e, InetSocketAddress from) {
        stats.count(Counter.HANDLER_ERRORS);
        long suppressed = listener.errorLog.acquire();
        if (suppressed >= 0) {
            LOG.warn("listener {}: error handling a datagram from {}{}", listener.name, Logs.hostPort(from),
                    LogLimiter.suffix(suppressed), e);
        }
    }

    /** RFC 8656 §12.5: ChannelData from the client → the bound peer. Hot path: no allocation of our own. */
    private void onChannelData(ByteBuf buf, int offset, int length, InetSocketAddress sender) {
        if (!ChannelData.isComplete(buf, offset, length)) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        Allocation a = allocations.get(sender);
        if (a == null) {
            stats.count(Counter.NO_ALLOCATION);
            return;
        }
        ChannelBinding binding = a.channel(ChannelData.channelNumber(buf, offset));
        if (binding == null) {
            stats.count(Counter.UNBOUND_CHANNEL);
            return;
        }
        InetSocketAddress peer = binding.peer();
        Permission perm = binding.permission();
        int port = peer.getPort();
        RoutePolicy policy = listener.policy;
        if (!perm.allows(policy, port)) {
            stats.count(Counter.PEER_PORT_DENIED);
            return;
        }
        if (perm.local() && services.self.isOwnPort(port)) {
            stats.count(Counter.SELF_PEER_DENIED);
            return;
        }
        int dataLength = ChannelData.length(buf, offset);
        sendToPeer(a, policy, perm, buf, offset + ChannelData.HEADER_LENGTH, dataLength, peer);
    }

    /** Batches {@code length} bytes of {@code src} for {@code peer}; written and flushed at the end of the read batch. */
    private void sendToPeer(Allocation a, RoutePolicy policy, Permission perm, ByteBuf src, int index, int length,
                            InetSocketAddress peer) {
        a.relay().send(src, index, length, peer);
        stats.relayed(policy, perm, true, length);
    }

    /** RFC 8656 §10.2: Send indication → DATA to the peer, if a permission exists. Hot path. */
    private void onSendIndication(ByteBuf buf, int offset, int length, InetSocketAddress sender) {
        if (!indications.parseSend(buf, offset, length) || indications.unknownRequired() > 0) {
            stats.count(Counter.DROPPED_INDICATIONS);
            return;
        }
        Allocation a = allocations.get(sender);
        if (a == null) {
            stats.count(Counter.NO_ALLOCATION);
            return;
        }
        Permission perm;
        if (indications.peerFamily() == 4) {
            perm = a.permissionV4(indications.peerIpv4());
        } else {
            perm = a.permissionV6(indications.peerIpv6High(), indications.peerIpv6Low());
        }
        if (perm == null) {
            stats.count(Counter.NO_PERMISSION);
            return;
        }
        int port = indications.peerPort();
        RoutePolicy policy = listener.policy;
        if (!perm.allows(policy, port)) {
            stats.count(Counter.PEER_PORT_DENIED);
            return;
        }
        if (perm.local() && services.self.isOwnPort(port)) {
            stats.count(Counter.SELF_PEER_DENIED);
            return;
        }
        sendToPeer(a, policy, perm, buf, indications.dataOffset(), indications.dataLength(), perm.socketAddress(port));
    }

    /** Peer → client (RFC 8656 §11.3, §12.5): called by the relay channel's handler on this same event loop. */
    void relayToClient(Allocation a, ByteBuf data, InetSocketAddress peer) {
        int length = data.readableBytes();
        if (length > MAX_DATAGRAM) {
            stats.count(Counter.OVERSIZED_DATAGRAMS);
            return;
        }
        InetAddress ip = peer.getAddress();
        Permission perm = a.permission(ip);
        if (perm == null) {
            stats.count(Counter.NO_PERMISSION);
            return;
        }
        RoutePolicy policy = listener.policy;
        if (!perm.allows(policy, peer.getPort())) {
            stats.count(Counter.PEER_PORT_DENIED);
            return;
        }
        stats.relayed(policy, perm, false, length);
        ChannelBinding binding = a.channelForPeer(peer);
        ClientTransport client = a.client();
        if (binding != null) {
            client.writeChannelData(binding.number(), data, data.readerIndex(), length);
        } else {
            client.writeDataIndication(perm.peerBytes(), peer.getPort(), data, data.readerIndex(), length);
        }
    }

    /** A {@link UdpClient}'s batch got its first datagram of this relay-socket read. */
    void queuedForClient(UdpClient client) {
        clientsToFlush.add(client);
    }

    /** A datagram of {@code size} bytes queued for a client (counted; flushed at the end of the read batch). */
    void sentToClient(int size) {
        stats.sent(size);
        clientFlushPending = true;
    }

    /** End of a relay socket's read batch: the batches to clients go out, in one flush of the listener socket. */
    void flushClients() {
        if (clientFlushPending) {
            flushListener();
        }
    }

    /** End of this listener socket's read batch: batches to peers, then to clients, each socket flushed once. */
    private void flushAll() {
        for (int i = 0, n = relaysToFlush.size(); i < n; i++) {
            relaysToFlush.get(i).flush();
        }
        relaysToFlush.clear();
        flushListener();
    }

    private void flushListener() {
        for (int i = 0, n = clientsToFlush.size(); i < n; i++) {
            clientsToFlush.get(i).writeQueued(channel);
        }
        clientsToFlush.clear();
        clientFlushPending = false;
        ctx.flush();
    }

    // -------------------------------------------------------------------------------------------- STUN requests

    private void onStun(ByteBuf buf, int offset, int length, InetSocketAddress sender) {
        if (!StunHeader.isStun(buf, offset, length)) {
            stats.count(Counter.MALFORMED_DATAGRAMS);
            return;
        }
        int type = StunHeader.messageType(buf, offset);
        if (type == Indications.SEND_INDICATION) {
            onSendIndication(buf, offset, length, sender);
            return;
        }
        Allocation a = allocations.get(sender);
        ClientTransport client = a != null ? a.client() : new UdpClient(this, sender, gso);
        ReceivedStun received;
        try {
            received = StunCodec.decode(buf.slice(offset, length));
        } catch (StunCodecException e) {
            if (e.reason() == StunCodecException.Reason.BAD_FINGERPRINT) {
                stats.count(Counter.BAD_FINGERPRINT);
            } else {
                stats.count(Counter.MALFORMED_DATAGRAMS);
            }
            LOG.debug("listener {}: malformed STUN from {}: {}", listener.name, Logs.hostPort(sender), e.getMessage());
            answerMalformedRequest(e, client);
            return;
        }
        StunMessage msg = received.message();
        if (msg.messageClass() == StunClass.INDICATION) {
            stats.count(Counter.DROPPED_INDICATIONS); // only Send is meaningful to a server (RFC 8656 §10)
            return;
        }
        if (msg.messageClass() != StunClass.REQUEST) {
            stats.count(Counter.DROPPED_RESPONSES);
            return;
        }
        RequestAuthenticator.Authenticated who = null;
        try {
            List<Integer> unknown = msg.unknownComprehensionRequired();
            if (!unknown.isEmpty()) {
                stats.count(Counter.UNKNOWN_ATTRIBUTE_REQUESTS);
                sendError(received, client, Refusal.UNKNOWN_COMPREHENSION_REQUIRED, null, new UnknownAttributes(unknown));
                return;
            }
            switch (msg.method()) {
                case StunMethod.BINDING:
                    onBinding(received, client);
                    return;
                case StunMethod.ALLOCATE:
                    who = authenticate(received, client);
                    onAllocate(received, client, who);
                    return;
                case StunMethod.REFRESH:
                    who = authenticate(received, client);
                    onRefresh(received, client, who);
                    return;
                case StunMethod.CREATE_PERMISSION:
                    who = authenticate(received, client);
                    onCreatePermission(received, client, who);
                    return;
                case StunMethod.CHANNEL_BIND:
                    who = authenticate(received, client);
                    onChannelBind(received, client, who);
                    return;
                default:
                    stats.count(Counter.UNKNOWN_METHOD);
                    throw new TurnFailure(Refusal.UNSUPPORTED_METHOD, "unknown method 0x" + Integer.toHexString(msg.method()));
            }
        } catch (TurnFailure f) {
            sendError(received, client, f.refusal(), who, null);
            if (LOG.isDebugEnabled()) {
                LOG.debug("listener {}: {} from {} refused with {}: {}", listener.name, StunMethod.name(msg.method()),
                        Logs.hostPort(sender), f.refusal().errorCode().code(), f.detail());
            }
        }
    }

    /**
     * RFC 8489 §6.3.1: a request whose header is sound but whose attributes are malformed gets 400; anything else
     * malformed (bad header, bad FINGERPRINT, responses, indications) is silently dropped.
     */
    private void answerMalformedRequest(StunCodecException e, ClientTransport client) {
        if (e.transactionId() == null || e.messageType() < 0
                || StunMessageType.messageClass(e.messageType()) != StunClass.REQUEST
                || e.reason() == StunCodecException.Reason.BAD_FINGERPRINT) {
            return;
        }
        if (!services.unauthenticatedAnswers.tryAcquire(client.remoteAddress().getAddress())) {
            stats.count(Counter.RATE_LIMITED_ANSWERS);
            return;
        }
        ErrorCode code = Refusal.BAD_REQUEST.errorCode();
        send(StunMessage.of(StunMessageType.method(e.messageType()), StunClass.ERROR_RESPONSE, e.transactionId(),
                new ErrorCodeAttribute(code.code(), code.reason())), null, false, client);
    }

    private RequestAuthenticator.Authenticated authenticate(ReceivedStun r, ClientTransport client) throws TurnFailure {
        return services.auth.authenticate(r, client.remoteAddress());
    }

    /** RFC 8489 §6.3.1 Binding: XOR-MAPPED-ADDRESS, no authentication (stunner-compat §1c.7). */
    private void onBinding(ReceivedStun r, ClientTransport client) {
        StunMessage resp = StunMessage.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, r.message().transactionId(),
                new XorMappedAddress(client.remoteAddress()));
        send(resp, null, r.fingerprintPresent(), client);
    }

    /** RFC 8656 §7.2: Allocate. */
    private void onAllocate(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who)
            throws TurnFailure {
        StunMessage req = r.message();
        Object key = client.fiveTuple();
        Allocation existing = allocations.get(key);
        if (existing != null) {
            // Step 2: same 5-tuple. A retransmission (same transaction id) gets the same success response.
            if (existing.allocateTransaction().equals(req.transactionId())) {
                client.sendResponse(Unpooled.wrappedBuffer(existing.allocateResponse()));
                return;
            }
            throw new TurnFailure(Refusal.ALLOCATION_EXISTS, "allocation exists for " + client.remoteAddress());
        }
        if (pendingAllocations.containsKey(key)) {
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
        // Steps 5-6: RESERVATION-TOKEN and EVEN-PORT are mutually exclusive.
        EvenPort evenPort = req.attribute(EvenPort.class);
        ReservationToken token = req.attribute(ReservationToken.class);
        RequestedAddressFamily family = req.attribute(RequestedAddressFamily.class);
        if (token != null && (evenPort != null || family != null)) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
        }
        boolean relayV4 = listener.relayAddress instanceof Inet4Address;
        if (family != null && family.family() != (relayV4 ? 1 : 2)) {
            throw new TurnFailure(Refusal.ADDRESS_FAMILY_NOT_SUPPORTED, "REQUESTED-ADDRESS-FAMILY " + family.family()
                    + " (expected: " + (relayV4 ? 1 : 2) + ")");
        }
        // Step 7: quota (admin.user_quota: 486), and turngate's allocation caps (508).
        Refusal limit = services.acquire(who.username(), listener);
        if (limit != null) {
            throw new TurnFailure(limit, limit == Refusal.QUOTA_REACHED ? "user_quota reached for " + who.username()
                    : "allocation limit reached (--max-allocations or --max-allocations-per-listener)");
        }
        Lifetime lifetime = req.attribute(Lifetime.class);
        long granted = Allocation.grantLifetime(lifetime == null ? -1 : lifetime.seconds());
        PendingAllocate pending = new PendingAllocate(r, client, who, granted);
        pendingAllocations.put(key, pending);
        relayPorts.allocate(new RelayPortAllocator.Request(relayV4, evenPort != null,
                evenPort != null && evenPort.reserve(), token == null ? null : token.token()), pending);
    }

    /** An Allocate waiting for its relay socket: the {@link RelayPortAllocator}'s completion. */
    private final class PendingAllocate implements RelayPortAllocator.Completion {
        private final ReceivedStun request;
        private final ClientTransport client;
        private final RequestAuthenticator.Authenticated who;
        private final long lifetimeSeconds;

        PendingAllocate(ReceivedStun request, ClientTransport client, RequestAuthenticator.Authenticated who,
                        long lifetimeSeconds) {
            this.request = request;
            this.client = client;
            this.who = who;
            this.lifetimeSeconds = lifetimeSeconds;
        }

        @Override
        public boolean wanted() {
            return pendingAllocations.get(client.fiveTuple()) == this;
        }

        @Override
        public void allocated(RelaySocket relay, Long reservationToken) {
            if (!wanted()) {
                relay.close();
                return;
            }
            completeAllocate(this, relay, reservationToken);
        }

        @Override
        public void failed(Refusal refusal, String detail) {
            if (wanted()) {
                failPendingAllocate(this, refusal, detail);
            }
        }

        /** The listener closed before the relay socket was bound: the allocation's quota goes back. */
        void abandon() {
            services.release(who.username(), listener);
        }
    }

    private void failPendingAllocate(PendingAllocate req, Refusal refusal, String detail) {
        pendingAllocations.remove(req.client.fiveTuple());
        services.release(req.who.username(), listener);
        sendError(req.request, req.client, refusal, req.who, null);
        req.client.flush(); // completes outside a read batch
        long suppressed = listener.refusalLog.acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: Allocate from {} refused with {}: {}{}", listener.name,
                    Logs.hostPort(req.client.remoteAddress()), refusal.errorCode().code(), detail,
                    LogLimiter.suffix(suppressed));
        }
    }

    private void completeAllocate(PendingAllocate req, RelaySocket relay, Long reservationToken) {
        pendingAllocations.remove(req.client.fiveTuple());
        int relayPort = relay.port();
        InetSocketAddress relayed = new InetSocketAddress(listener.relayAddress, relayPort);
        ClientTransport client = req.client;
        StunMessage request = req.request.message();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new XorRelayedAddress(relayed));
        attrs.add(new Lifetime(req.lifetimeSeconds));
        if (reservationToken != null) {
            attrs.add(new ReservationToken(reservationToken));
        }
        attrs.add(new XorMappedAddress(client.remoteAddress()));
        StunMessage resp = new StunMessage(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, request.transactionId(), attrs);
        ByteBuf encoded = StunCodec.encode(resp, client.alloc(), req.who.key(), req.request.fingerprintPresent());
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.getBytes(encoded.readerIndex(), bytes);
        long now = services.nanoClock.getAsLong();
        Allocation a = new Allocation(client, relay, relayed, req.who.username(), request.transactionId(), bytes,
                now, now + TimeUnit.SECONDS.toNanos(req.lifetimeSeconds));
        allocations.add(a);
        services.self.addPort(relayPort);
        relay.start(a);
        stats.count(Counter.ALLOCATIONS_CREATED);
        client.sendResponse(encoded);
        client.flush(); // completes outside a read batch: nothing else would flush it
        long suppressed = listener.allocationLog.acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: allocation created for client {} user {}: relay address {}, lifetime {}s{}",
                    listener.name, Logs.hostPort(client.remoteAddress()),
                    RequestAuthenticator.printable(req.who.username()), Logs.hostPort(relayed),
                    req.lifetimeSeconds, LogLimiter.suffix(suppressed));
        }
    }

    /** RFC 8656 §8.2: Refresh; LIFETIME 0 deletes the allocation. */
    private void onRefresh(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who)
            throws TurnFailure {
        Allocation a = requireAllocation(client, who);
        RequestedAddressFamily family = r.message().attribute(RequestedAddressFamily.class);
        if (family != null && family.family() != (a.relayedAddress().getAddress() instanceof Inet4Address ? 1 : 2)) {
            throw new TurnFailure(Refusal.PEER_ADDRESS_FAMILY_MISMATCH, "REQUESTED-ADDRESS-FAMILY differs from the allocation's");
        }
        Lifetime lifetime = r.message().attribute(Lifetime.class);
        long granted = lifetime != null && lifetime.seconds() == 0 ? 0
                : Allocation.grantLifetime(lifetime == null ? -1 : lifetime.seconds());
        if (granted == 0) {
            delete(a, "deleted by client");
            stats.count(Counter.ALLOCATIONS_DELETED);
        } else {
            a.setExpiresAtNanos(services.nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(granted));
        }
        StunMessage resp = StunMessage.of(StunMethod.REFRESH, StunClass.SUCCESS_RESPONSE, r.message().transactionId(),
                new Lifetime(granted));
        send(resp, who.key(), r.fingerprintPresent(), client);
    }

    private Allocation requireAllocation(ClientTransport client, RequestAuthenticator.Authenticated who)
            throws TurnFailure {
        Allocation a = allocations.get(client.fiveTuple());
        if (a == null) {
            throw new TurnFailure(Refusal.NO_ALLOCATION, "no allocation for " + client.remoteAddress());
        }
        if (!a.username().equals(who.username())) {
            throw new TurnFailure(Refusal.WRONG_CREDENTIALS, "allocation belongs to another user");
        }
        return a;
    }

    /**
     * Canonicalises a peer (IPv4-in-IPv6 forms → IPv4), checks its family against the relay's, and applies the
     * admission rule. Logs STUNner's permission-denied line on refusal.
     */
    private InetSocketAddress admitPeer(Allocation a, InetSocketAddress peer, ClientTransport client) throws TurnFailure {
        InetAddress canonical;
        try {
            canonical = InetAddress.getByAddress(PeerAddresses.canonicalize(peer.getAddress().getAddress()));
        } catch (UnknownHostException e) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "bad peer address");
        }
        boolean relayV4 = a.relayedAddress().getAddress() instanceof Inet4Address;
        if ((canonical instanceof Inet4Address) != relayV4) {
            throw new TurnFailure(Refusal.PEER_ADDRESS_FAMILY_MISMATCH, "peer " + canonical.getHostAddress()
                    + " is not in the relay's address family");
        }
        RoutePolicy policy = listener.policy;
        if (policy.admit(canonical) == null) {
            String peerText = canonical.getHostAddress();
            long suppressed = listener.deniedLog.acquire();
            if (suppressed >= 0) {
                LOG.info("permission denied on listener \"{}\" for client \"{}\" to peer {}: no route to endpoint{}",
                        listener.name, Logs.hostPort(client.remoteAddress()), peerText, LogLimiter.suffix(suppressed));
            }
            boolean special = PeerAddresses.classify(canonical.getAddress()) != null;
            throw new TurnFailure(special ? Refusal.PEER_FORBIDDEN_ADDRESS : Refusal.PEER_NOT_ROUTED,
                    "peer " + peerText + " not routed on listener " + listener.name);
        }
        return new InetSocketAddress(canonical, peer.getPort());
    }

    /** RFC 8656 §10.2: CreatePermission; all peers are admitted or none is installed. */
    private void onCreatePermission(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who)
            throws TurnFailure {
        Allocation a = requireAllocation(client, who);
        List<XorPeerAddress> peers = r.message().attributes(XorPeerAddress.class);
        if (peers.isEmpty()) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "no XOR-PEER-ADDRESS");
        }
        List<InetSocketAddress> admitted = new ArrayList<>(peers.size());
        for (XorPeerAddress p : peers) {
            admitted.add(admitPeer(a, p.address(), client));
        }
        long now = services.nanoClock.getAsLong();
        for (InetSocketAddress p : admitted) {
            a.permit(p.getAddress(), services.self.isLocal(p.getAddress()), now);
        }
        send(StunMessage.of(StunMethod.CREATE_PERMISSION, StunClass.SUCCESS_RESPONSE, r.message().transactionId()),
                who.key(), r.fingerprintPresent(), client);
    }

    /** RFC 8656 §12.2: ChannelBind. */
    private void onChannelBind(ReceivedStun r, ClientTransport client, RequestAuthenticator.Authenticated who)
            throws TurnFailure {
        Allocation a = requireAllocation(client, who);
        ChannelNumber number = r.message().attribute(ChannelNumber.class);
        XorPeerAddress peer = r.message().attribute(XorPeerAddress.class);
        if (number == null || peer == null) {
            throw new TurnFailure(Refusal.BAD_REQUEST, "ChannelBind without CHANNEL-NUMBER or XOR-PEER-ADDRESS");
        }
        if (!ChannelBinding.isValidNumber(number.number())) {
            throw new TurnFailure(Refusal.CHANNEL_CONFLICT, "channel number 0x" + Integer.toHexString(number.number())
                    + " (expected: 0x4000..0x7FFF)");
        }
        InetSocketAddress admitted = admitPeer(a, peer.address(), client);
        // turngate: a binding's data would be dropped per packet anyway, so refuse the ports now (CreatePermission
        // stays IP-only, as STUNner's §1c.2 admission rule says).
        InetAddress ip = admitted.getAddress();
        int port = admitted.getPort();
        if (!RoutePolicy.portAllowed(listener.policy.portRanges(ip), port)) {
            throw new TurnFailure(Refusal.PEER_PORT_NOT_ROUTED, "peer " + Logs.hostPort(admitted)
                    + ": port not in the route's port range on listener " + listener.name);
        }
        boolean local = services.self.isLocal(ip);
        if (local && services.self.isOwnPort(port)) {
            throw new TurnFailure(Refusal.PEER_OWN_PORT, "peer " + Logs.hostPort(admitted)
                    + " is one of the gateway's own listener or relay ports");
        }
        a.bindChannel(number.number(), admitted, local, services.nanoClock.getAsLong());
        send(StunMessage.of(StunMethod.CHANNEL_BIND, StunClass.SUCCESS_RESPONSE, r.message().transactionId()),
                who.key(), r.fingerprintPresent(), client);
    }

    // ------------------------------------------------------------------------------------------------ responses

    /**
     * Answers a refused request with {@code refusal}'s error code (counted). Answers to clients that have not
     * authenticated obey the per-source rate limit ({@link Services#unauthenticatedAnswers}): over it they are
     * dropped and counted instead.
     */
    private void sendError(ReceivedStun r, ClientTransport to, Refusal refusal, RequestAuthenticator.Authenticated who,
                           StunAttribute extra) {
        stats.count(refusal);
        if (who == null && (refusal.unauthenticated() || refusal == Refusal.UNKNOWN_COMPREHENSION_REQUIRED)
                && !services.unauthenticatedAnswers.tryAcquire(to.remoteAddress().getAddress())) {
            stats.count(Counter.RATE_LIMITED_ANSWERS);
            return;
        }
        ErrorCode code = refusal.errorCode();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new ErrorCodeAttribute(code.code(), code.reason()));
        if (extra != null) {
            attrs.add(extra);
        }
        byte[] key = who == null ? null : who.key();
        if (refusal == Refusal.AUTH_MISSING_INTEGRITY || refusal == Refusal.AUTH_STALE_NONCE) {
            attrs.add(new Realm(services.auth.realm()));
            attrs.add(new Nonce(services.auth.issueNonce(to.remoteAddress())));
            key = null;
        }
        StunMessage m = r.message();
        StunMessage resp = new StunMessage(m.method(), StunClass.ERROR_RESPONSE, m.transactionId(), attrs);
        send(resp, key, r.fingerprintPresent(), to);
    }

    private void send(StunMessage m, byte[] key, boolean fingerprint, ClientTransport to) {
        to.sendResponse(StunCodec.encode(m, to.alloc(), key, fingerprint));
    }

    /** A datagram to a client on this socket (a STUN response): counted, written, flushed at the end of the read. */
    void sendDatagram(ByteBuf buf, InetSocketAddress to) {
        stats.sent(buf.readableBytes());
        ctx.write(new DatagramPacket(buf, to), ctx.voidPromise());
        clientFlushPending = true;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private void delete(Allocation a, String why) {
        if (!allocations.remove(a)) {
            return;
        }
        int port = a.relay().port();
        a.relay().close();
        a.client().allocationClosed();
        services.self.removePort(port);
        services.release(a.username(), listener);
        long lived = services.nanoClock.getAsLong() - a.createdAtNanos();
        stats.allocationClosed(lived);
        long suppressed = listener.allocationLog.acquire();
        if (suppressed >= 0) {
            LOG.info("listener {}: allocation deleted for client {} user {}: relay address {}, {} after {}s{}",
                    listener.name, Logs.hostPort(a.clientAddress()), RequestAuthenticator.printable(a.username()),
                    Logs.hostPort(a.relayedAddress()), why, TimeUnit.NANOSECONDS.toSeconds(lived),
                    LogLimiter.suffix(suppressed));
        }
    }

    /** Periodic sweep: expired allocations, permissions, channels, reservations (deadlines, not timers). */
    void sweep() {
        long now = services.nanoClock.getAsLong();
        for (Allocation a : allocations.snapshot()) { // a copy: delete() removes from the table
            if (a.isExpired(now)) {
                delete(a, "expired");
                stats.count(Counter.ALLOCATIONS_EXPIRED);
            } else {
                a.sweep(now);
            }
        }
        relayPorts.sweep(now);
    }

    /** Drops every allocation of this socket (listener stopped or restarted). Runs on this event loop. */
    void closeAll(String why) {
        for (Allocation a : allocations.snapshot()) {
            delete(a, why);
            stats.count(Counter.ALLOCATIONS_DELETED);
        }
        for (PendingAllocate p : new ArrayList<>(pendingAllocations.values())) {
            p.abandon();
        }
        pendingAllocations.clear();
    }
}
