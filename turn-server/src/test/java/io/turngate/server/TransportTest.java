package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannelConfig;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The receive path every turngate datagram socket gets from {@link Transport#datagramOptions}: pooled buffers,
 * several datagrams per event-loop wake-up (Netty's {@code FixedRecvByteBufAllocator} alone reads one, which also
 * leaves nothing to batch into {@code sendmmsg}) and, on epoll, {@code recvmmsg} slots of the maximum datagram size.
 */
class TransportTest {
    private static final int DATAGRAM = 2048;

    @Test
    void datagramSocketsReadBatchesIntoPooledBuffers() {
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(1, "transport-test");
        Channel ch = null;
        try {
            ch = transport.datagramOptions(new Bootstrap(), DATAGRAM)
                    .group(group)
                    .channelFactory(() -> transport.newDatagramChannel(true))
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
            assertSame(PooledByteBufAllocator.DEFAULT, ch.config().getAllocator());
            MaxMessagesRecvByteBufAllocator receive = ch.config().getRecvByteBufAllocator();
            assertEquals(Transport.MAX_MESSAGES_PER_READ, receive.maxMessagesPerRead());
            assertTrue(Transport.MAX_MESSAGES_PER_READ > 1, "one datagram per wake-up defeats batching");
            if (transport == Transport.EPOLL) {
                assertEquals(DATAGRAM, ((EpollDatagramChannelConfig) ch.config()).getMaxDatagramPayloadSize(),
                        "recvmmsg slot size");
                assertEquals(DATAGRAM * Transport.RECEIVE_BATCH, receive.newHandle().guess(), "recvmmsg buffer");
            } else {
                assertEquals(DATAGRAM, receive.newHandle().guess(), "receive buffer");
            }
        } finally {
            if (ch != null) {
                ch.close().syncUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
