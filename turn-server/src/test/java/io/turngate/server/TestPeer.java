package io.turngate.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A UDP peer on 127.0.0.1 for relay tests: captures every datagram it receives (with its sender) and, when asked,
 * echoes it back to the sender. One daemon thread, stopped by {@link #close()}.
 */
public final class TestPeer implements AutoCloseable {
    /** One captured datagram. */
    public record Received(InetSocketAddress from, byte[] data) {
    }

    private final DatagramSocket socket;
    private final boolean echo;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Thread thread;

    private TestPeer(DatagramSocket socket, boolean echo) {
        this.socket = socket;
        this.echo = echo;
        this.thread = new Thread(this::run, "test-peer-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** An echoing peer on an ephemeral port of 127.0.0.1. */
    public static TestPeer echo() {
        return new TestPeer(bind(0), true);
    }

    /** A capturing (non-echoing) peer on an ephemeral port of 127.0.0.1. */
    public static TestPeer capture() {
        return new TestPeer(bind(0), false);
    }

    /** A peer on an ephemeral port of {@code ip}, which must be a loopback address (127.0.0.0/8). */
    public static TestPeer on(InetAddress ip, boolean echo) {
        if (!ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("test peers live on loopback only: " + ip);
        }
        try {
            return new TestPeer(new DatagramSocket(new InetSocketAddress(ip, 0)), echo);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatagramSocket bind(int port) {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Sends {@code data} from this peer's socket to {@code to} (e.g. a relayed address). */
    public void send(InetSocketAddress to, byte[] data) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next captured datagram, or {@code null} after {@code timeoutMillis}. */
    public Received poll(long timeoutMillis) {
        try {
            return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public int pending() {
        return received.size();
    }

    private void run() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            byte[] data = Arrays.copyOf(buf, p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            received.add(new Received(from, data));
            if (echo) {
                try {
                    socket.send(new DatagramPacket(data, data.length, from));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
