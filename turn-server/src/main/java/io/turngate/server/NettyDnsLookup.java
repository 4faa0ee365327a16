package io.turngate.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * STRICT_DNS lookups with Netty's asynchronous DNS resolver ({@code netty-resolver-dns}) instead of the JDK's
 * blocking, TTL-blind {@link InetAddress#getAllByName}: answers are cached for their records' TTL (clamped to
 * {@value #MIN_TTL_SECONDS}..{@value #MAX_TTL_SECONDS} s; Kubernetes' CoreDNS serves cluster names with a TTL of
 * 5 s), so the resolver's frequent refreshes cost a cache hit until the TTL runs out and then one query; failures
 * are cached for {@value #NEGATIVE_TTL_SECONDS} s. {@code /etc/resolv.conf} (name servers, {@code search},
 * {@code ndots}, as a pod has them) and {@code /etc/hosts} are honoured. The resolver runs on one event loop of its
 * own, never a relay event loop; {@link #resolve} waits for it at most {@value #TIMEOUT_MILLIS} ms.
 */
final class NettyDnsLookup implements DnsResolver.Lookup, AutoCloseable {
    static final int MIN_TTL_SECONDS = 1;
    static final int MAX_TTL_SECONDS = 60;
    static final int NEGATIVE_TTL_SECONDS = 2;
    static final long TIMEOUT_MILLIS = 5000;

    private final EventLoopGroup group;
    private final DnsNameResolver resolver;

    NettyDnsLookup() {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("turngate-dns-io", true),
                NioIoHandler.newFactory());
        this.resolver = new DnsNameResolverBuilder(group.next())
                .datagramChannelType(NioDatagramChannel.class)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .resolveCache(new DefaultDnsCache(MIN_TTL_SECONDS, MAX_TTL_SECONDS, NEGATIVE_TTL_SECONDS))
                .queryTimeoutMillis(TIMEOUT_MILLIS / 2)
                .build();
    }

    @Override
    public InetAddress[] resolve(String name) throws UnknownHostException {
        Future<List<InetAddress>> f = resolver.resolveAll(name);
        if (!f.awaitUninterruptibly(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            f.cancel(false);
            throw new UnknownHostException(name + ": no answer within " + TIMEOUT_MILLIS + " ms");
        }
        if (!f.isSuccess()) {
            UnknownHostException e = new UnknownHostException(name + ": " + f.cause().getMessage());
            e.initCause(f.cause());
            throw e;
        }
        return f.getNow().toArray(new InetAddress[0]);
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
