package io.turngate.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.turngate.turn.Refusal;
import io.turngate.turn.RelayPortAllocator;
import io.turngate.turn.RelaySocket;
import io.turngate.turn.SelfAddresses;
import io.turngate.turn.TurnCounters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Relay ports for the allocations of one event loop (RFC 8656 §7.2 steps 5 and 6): a UDP socket on the wildcard
 * address of the relay's family, registered on that loop, on an OS-chosen port; with EVEN-PORT (§18.7) an even
 * one, tried up to {@value #EVEN_PORT_ATTEMPTS} times; with its R bit also the next (odd) port, kept as a
 * reservation for {@value #RESERVATION_LIFETIME_SECONDS} s under a random RESERVATION-TOKEN (§18.10) that a later
 * Allocate presents to get that port. Reserved ports count as the gateway's own ({@link SelfAddresses}) while they
 * are held.
 *
 * <p>Threading: {@link #allocate} and {@link #sweep} on the event loop the bootstraps register on. The
 * {@link Reservations} are shared by every loop: a reservation made on another loop is closed and its port bound
 * again on this one.
 */
public final class UdpRelayPortAllocator implements RelayPortAllocator {
    /** Binds tried for an even port before the Allocate gets 508. */
    static final int EVEN_PORT_ATTEMPTS = 32;
    /** How long a reserved port waits for the Allocate that presents its token. */
    static final long RESERVATION_LIFETIME_SECONDS = 30;

    /** Drops what a relay socket receives until its allocation's handler replaces this one. */
    @ChannelHandler.Sharable
    private static final class Placeholder extends ChannelInboundHandlerAdapter {
        static final Placeholder INSTANCE = new Placeholder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A bootstrap for relay sockets of one address family, registered on the allocator's event loop. */
    @FunctionalInterface
    public interface Bootstraps {
        Bootstrap bootstrap(boolean ipv4);
    }

    private final Bootstraps bootstraps;
    private final Function<Channel, RelaySocket> sockets;
    private final Reservations reservations;
    private final SelfAddresses self;
    private final LongSupplier nanoClock;
    private final TurnCounters counters;

    /**
     * @param bootstraps   relay socket bootstraps (options, channel factory and event loop; the handler is set here)
     * @param sockets      wraps a bound relay channel as the allocation's {@link RelaySocket}
     * @param reservations the gateway's reserved ports (shared by every event loop)
     */
    public UdpRelayPortAllocator(Bootstraps bootstraps, Function<Channel, RelaySocket> sockets,
                                 Reservations reservations, SelfAddresses self, LongSupplier nanoClock,
                                 TurnCounters counters) {
        this.bootstraps = bootstraps;
        this.sockets = sockets;
        this.reservations = reservations;
        this.self = self;
        this.nanoClock = nanoClock;
        this.counters = counters;
    }

    @Override
    public void allocate(Request request, Completion completion) {
        if (request.reservationToken() == null) {
            bind(request, completion, 0, 0);
            return;
        }
        Reservation reserved = reservations.take(request.reservationToken());
        if (reserved == null) {
            completion.failed(Refusal.INSUFFICIENT_CAPACITY, "unknown or expired RESERVATION-TOKEN");
            return;
        }
        Channel kept = reserved.channel();
        if ((((InetSocketAddress) kept.localAddress()).getAddress() instanceof java.net.Inet4Address)
                != request.ipv4()) {
            // Reserved by an allocation of the other family (REQUESTED-ADDRESS-FAMILY): its port is of no use here.
            kept.close();
            completion.failed(Refusal.INSUFFICIENT_CAPACITY, "RESERVATION-TOKEN of a port of the other address family");
            return;
        }
        if (kept.isActive() && kept.eventLoop().inEventLoop()) {
            completion.allocated(sockets.apply(kept), null); // the reserved socket becomes the relay socket as it is
        } else {
            // Reserved on another event loop: free the port, then bind it again here (epoll frees at once).
            int port = reserved.port();
            kept.close().addListener(f -> bind(request, completion, port, 0));
        }
    }

    private Bootstrap bootstrap(boolean v4) {
        return bootstraps.bootstrap(v4).handler(Placeholder.INSTANCE);
    }

    private static InetSocketAddress wildcard(boolean v4, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[v4 ? 4 : 16]), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binds the relay socket (port 0 = OS-chosen), honouring EVEN-PORT and its R bit, then completes. */
    private void bind(Request req, Completion completion, int port, int attempt) {
        boolean v4 = req.ipv4();
        bootstrap(v4).bind(wildcard(v4, port)).addListener((ChannelFuture f) -> {
            if (!completion.wanted()) {
                f.channel().close(); // the Allocate was abandoned meanwhile (listener closed)
                return;
            }
            if (!f.isSuccess()) {
                counters.relayBindFailed();
                completion.failed(Refusal.INSUFFICIENT_CAPACITY, "cannot bind relay socket: " + f.cause());
                return;
            }
            Channel relay = f.channel();
            int bound = ((InetSocketAddress) relay.localAddress()).getPort();
            if (req.evenPort() && port == 0 && (bound & 1) != 0) {
                relay.close();
                if (attempt + 1 >= EVEN_PORT_ATTEMPTS) {
                    completion.failed(Refusal.INSUFFICIENT_CAPACITY, "no even relay port after " + EVEN_PORT_ATTEMPTS
                            + " tries");
                } else {
                    bind(req, completion, 0, attempt + 1);
                }
                return;
            }
            if (req.reservePair() && bound < 65535) {
                bootstrap(v4).bind(wildcard(v4, bound + 1)).addListener((ChannelFuture rf) -> {
                    if (!completion.wanted()) {
                        relay.close();
                        rf.channel().close();
                        return;
                    }
                    if (!rf.isSuccess()) {
                        relay.close();
                        if (attempt + 1 >= EVEN_PORT_ATTEMPTS) {
                            completion.failed(Refusal.INSUFFICIENT_CAPACITY, "cannot reserve an even/odd port pair");
                        } else {
                            bind(req, completion, 0, attempt + 1);
                        }
                        return;
                    }
                    long token = ThreadLocalRandom.current().nextLong();
                    Channel reservedChannel = rf.channel();
                    self.addPort(bound + 1);
                    reservedChannel.closeFuture().addListener(cf -> self.removePort(bound + 1));
                    long expires = nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(RESERVATION_LIFETIME_SECONDS);
                    reservations.put(token, new Reservation(reservedChannel, bound + 1, expires));
                    completion.allocated(sockets.apply(relay), token);
                });
                return;
            }
            completion.allocated(sockets.apply(relay), null);
        });
    }

    /** Closes the reservations of this event loop whose time is up. */
    @Override
    public void sweep(long nowNanos) {
        reservations.sweep(nowNanos);
    }

    /** A relay socket bound to an odd port, kept for the RTCP allocation that will present the token. */
    public record Reservation(Channel channel, int port, long expiresAtNanos) {
    }

    /** The gateway's reserved relay ports by RESERVATION-TOKEN. Thread-safe; shared by every event loop. */
    public static final class Reservations {
        private final ConcurrentHashMap<Long, Reservation> byToken = new ConcurrentHashMap<>();

        void put(long token, Reservation r) {
            byToken.put(token, r);
        }

        /** Removes and returns the reservation of {@code token}, or {@code null}. */
        Reservation take(long token) {
            return byToken.remove(token);
        }

        /** Closes and drops the expired reservations whose socket is registered on the calling event loop. */
        void sweep(long nowNanos) {
            byToken.entrySet().removeIf(e -> {
                Reservation res = e.getValue();
                if (res.expiresAtNanos() - nowNanos <= 0 && res.channel().eventLoop().inEventLoop()) {
                    res.channel().close();
                    return true;
                }
                return false;
            });
        }

        /** Reservations held (any thread). */
        public int size() {
            return byToken.size();
        }
    }
}
