package io.turngate.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Picks Netty's native epoll transport when it is available (Linux), NIO otherwise. The choice is made once per
 * process and logged at start.
 */
public enum Transport {
    EPOLL,
    NIO;

    /** The transport this process uses; {@code -Dturngate.transport=nio} forces NIO. */
    public static Transport detect() {
        if ("nio".equalsIgnoreCase(System.getProperty("turngate.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not used, or {@code null} when it is. */
    public static String unavailabilityCause() {
        Throwable t = Epoll.unavailabilityCause();
        return t == null ? null : t.toString();
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory());
    }

    /** A datagram channel for one address family (relay sockets): IPv4-only or IPv6. */
    public DatagramChannel newDatagramChannel(boolean ipv4) {
        SocketProtocolFamily family = ipv4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        return this == EPOLL ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
    }

    /** A dual-stack datagram channel (listener sockets bind the wildcard address, as stunnerd does). */
    public DatagramChannel newDualStackDatagramChannel() {
        return this == EPOLL ? new EpollDatagramChannel() : new NioDatagramChannel();
    }
}
