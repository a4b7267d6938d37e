package org.privtune.device.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on the loopback interface between a device and an endpoint, for fault tests with
 * real sockets (and, made with {@code record}, a capture of every byte that crosses it):
 * {@link #freeze()} stops forwarding while the connections stay open (what a
 * SIGSTOPped endpoint looks like from the device), {@link #cut()} closes every connection at once
 * (what a killed endpoint looks like). It counts the bytes it forwards each way.
 */
final class Relay implements AutoCloseable {

    private final ServerSocket listener;
    private volatile int target;
    private volatile boolean frozen;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong toEndpoint = new AtomicLong();
    private final AtomicLong toDevice = new AtomicLong();
    private final List<ByteArrayOutputStream[]> recorded;

    Relay(int targetPort) throws IOException {
        this(targetPort, false);
    }

    /** With {@code record}, keeps every byte forwarded, per connection and direction ({@link #recorded()}). */
    Relay(int targetPort, boolean record) throws IOException {
        this.target = targetPort;
        this.recorded = record ? new CopyOnWriteArrayList<>() : null;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "relay-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Later connections go to {@code port} (an endpoint restarted elsewhere). */
    void retarget(int port) {
        target = port;
    }

    void freeze() {
        frozen = true;
    }

    void thaw() {
        frozen = false;
    }

    /** Closes every open connection (new ones are still accepted). */
    void cut() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // gone already
            }
        }
        sockets.clear();
    }

    /** For each connection so far, in order: {bytes the device sent, bytes the endpoint sent}. */
    List<byte[][]> recorded() {
        return recorded.stream().map(r -> {
            synchronized (r) {
                return new byte[][] {r[0].toByteArray(), r[1].toByteArray()};
            }
        }).toList();
    }

    long bytesToEndpoint() {
        return toEndpoint.get();
    }

    long bytesToDevice() {
        return toDevice.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket device = listener.accept();
                Socket endpoint = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(device);
                sockets.add(endpoint);
                ByteArrayOutputStream[] r = null;
                if (recorded != null) {
                    r = new ByteArrayOutputStream[] {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
                    recorded.add(r);
                }
                pump(device, endpoint, toEndpoint, r, 0);
                pump(endpoint, device, toDevice, r, 1);
            } catch (IOException e) {
                // closed, or the endpoint is not there: the device sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong count, ByteArrayOutputStream[] record, int way) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[1 << 16];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(b)) != -1) {
                    while (frozen) {
                        Thread.sleep(20);
                    }
                    if (record != null) {
                        synchronized (record) {
                            record[way].write(b, 0, n);
                        }
                    }
                    out.write(b, 0, n);
                    out.flush();
                    count.addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // connection closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
