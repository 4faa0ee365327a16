package io.turngate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
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

    /**
     * The epoll read loop goes on after a {@code recvmmsg} that filled every slot and stops after one that came back
     * short or empty, whatever Netty's channel says about more data (it always says "maybe").
     */
    @Test
    void epollReadLoopStopsAfterAShortBatch() {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            RecvByteBufAllocator.ExtendedHandle h = (RecvByteBufAllocator.ExtendedHandle)
                    new Transport.BatchReceiveAllocator(DATAGRAM * Transport.RECEIVE_BATCH).newHandle();
            h.reset(ch.config());
            assertEquals(DATAGRAM * Transport.RECEIVE_BATCH, h.guess());
            int full = DATAGRAM * Transport.RECEIVE_BATCH;

            h.attemptedBytesRead(full);
            h.lastBytesRead(full); // all 16 slots
            h.incMessagesRead(Transport.RECEIVE_BATCH);
            assertTrue(h.continueReading(() -> true), "stopped after a full batch");

            h.attemptedBytesRead(full);
            h.lastBytesRead(3 * DATAGRAM); // 3 of 16
            h.incMessagesRead(3);
            assertFalse(h.continueReading(() -> true), "read on after a short batch (the next recvmmsg gets EAGAIN)");

            h.reset(ch.config());
            h.attemptedBytesRead(full);
            h.lastBytesRead(-1); // nothing
            assertFalse(h.continueReading(() -> true), "read on after an empty recvmmsg");

            h.reset(ch.config());
            for (int i = 0; i < Transport.MAX_MESSAGES_PER_READ / Transport.RECEIVE_BATCH; i++) {
                h.attemptedBytesRead(full);
                h.lastBytesRead(full);
                h.incMessagesRead(Transport.RECEIVE_BATCH);
            }
            assertFalse(h.continueReading(() -> true), "read past " + Transport.MAX_MESSAGES_PER_READ + " datagrams");
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
