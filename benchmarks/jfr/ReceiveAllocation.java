import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.*;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.net.*;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty's receive path alone, epoll against io_uring: bytes allocated on the event loop per datagram received over
 * loopback (a handler that only releases; bursts of 32, one in flight; 100k warm-up and 200k measured datagrams,
 * at most 60 s). Not part of the build (io_uring is no dependency of turngate). Run with Netty 4.2.18's jars:
 *
 *   R=~/.m2/repository/io/netty; CP=$(ls $R/netty-{buffer,common,transport,transport-native-unix-common,\
 *   transport-classes-epoll,resolver,transport-classes-io_uring}/4.2.18.Final/*-4.2.18.Final.jar | tr '\n' ':')\
 *   $R/netty-transport-native-epoll/4.2.18.Final/netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar:\
 *   $R/netty-transport-native-io_uring/4.2.18.Final/netty-transport-native-io_uring-4.2.18.Final-linux-x86_64.jar
 *   java -cp "$CP" ReceiveAllocation.java epoll     (or: uring)
 *
 * Measured 2026-12 (kernel 6.18, JDK 17): epoll 153 B (3 runs), io_uring 180 to 258 B (4 runs) per datagram.
 */
public class ReceiveAllocation {
    public static void main(String[] args) throws Exception {
        boolean uring = args[0].equals("uring");
        if (uring && !IoUring.isAvailable()) { System.out.println("io_uring unavailable: " + IoUring.unavailabilityCause()); return; }
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
        AtomicLong count = new AtomicLong(); long[] tid = {-1};
        Bootstrap b = new Bootstrap().group(g).channel(uring ? IoUringDatagramChannel.class : EpollDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        tid[0] = Thread.currentThread().getId(); ReferenceCountUtil.release(msg); count.lazySet(count.get() + 1);
                    }
                });
        if (uring) {
            FixedRecvByteBufAllocator r = new FixedRecvByteBufAllocator(2048); r.maxMessagesPerRead(64);
            b.option(ChannelOption.RCVBUF_ALLOCATOR, r);
        } else {
            FixedRecvByteBufAllocator r = new FixedRecvByteBufAllocator(2048 * 16); r.maxMessagesPerRead(64);
            b.option(ChannelOption.RCVBUF_ALLOCATOR, r).option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048);
        }
        Channel ch = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress to = (InetSocketAddress) ch.localAddress();
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DatagramPacket p = new DatagramPacket(new byte[160], 160, to);
            send(s, p, count, 100_000, deadline);
            long c0 = count.get(); long b0 = t.getThreadAllocatedBytes(tid[0]);
            send(s, p, count, 200_000, deadline);
            Thread.sleep(200);
            long c1 = count.get(); long b1 = t.getThreadAllocatedBytes(tid[0]);
            System.out.printf("%s: %d datagrams received, %d bytes allocated on the event loop = %.1f B/datagram%n",
                    uring ? "io_uring" : "epoll", c1 - c0, b1 - b0, (b1 - b0) / (double) (c1 - c0));
        } finally { ch.close().sync(); g.shutdownGracefully().sync(); }
    }

    static void send(DatagramSocket s, DatagramPacket p, AtomicLong count, int n, long deadline) throws Exception {
        long start = count.get();
        for (int sent = 0; sent < n; sent += 32) {
            for (int i = 0; i < 32; i++) s.send(p);
            while (count.get() - start < sent && System.nanoTime() < deadline) Thread.onSpinWait(); // at most one burst in flight
            if (System.nanoTime() > deadline) throw new AssertionError("timeout");
        }
    }
}
