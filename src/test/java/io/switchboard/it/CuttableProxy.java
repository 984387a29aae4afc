package io.switchboard.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A TCP forwarder on 127.0.0.1 between a browser and the server (or a node and Redis or PostgreSQL), whose network
 * can be cut like a pulled cable: {@link #cut()} silently drops every byte of the open connections (no FIN, no RST:
 * only a heartbeat notices) and refuses new ones; {@link #down()} resets them and refuses new ones, as a server that
 * was stopped or restarted would; {@link #restore()} kills the old connections and forwards new ones again.
 */
final class CuttableProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CuttableProxy.class.getName());

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cuttable-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean cut;

    /** Forwards to the host and port of {@code server}. */
    CuttableProxy(URI server) {
        this(0, server.getHost(), server.getPort());
    }

    /** Listens on {@code port} of 127.0.0.1 (0: any free one) and forwards to {@code host}:{@code targetPort}. */
    CuttableProxy(int port, String host, int targetPort) {
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target = new InetSocketAddress(host, targetPort);
        threads.execute(this::accept);
    }

    /** {@code server} with the proxy's port instead of the server's. */
    URI in(URI server) {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + server.getRawPath());
    }

    /** From now on bytes of open connections are dropped and new connections are reset. */
    void cut() {
        cut = true;
    }

    /** From now on the open connections are reset and new ones refused (reset at once), until {@link #restore()}. */
    void down() {
        cut = true;
        open.removeIf(socket -> {
            reset(socket);
            return true;
        });
    }

    /** Kills the connections that were open during the cut and forwards new ones again; nothing when not cut. */
    void restore() {
        if (!cut) {
            return; // not cut: the open connections are healthy ones
        }
        open.removeIf(socket -> {
            reset(socket);
            return true;
        });
        cut = false;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the proxy listener", e);
        }
        open.forEach(CuttableProxy::reset);
        threads.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket browser;
            try {
                browser = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                reset(browser);
                continue;
            }
            try {
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(browser);
                open.add(server);
                threads.execute(() -> pump(browser, server));
                threads.execute(() -> pump(server, browser));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "proxy cannot reach " + target, e);
                reset(browser);
            }
        }
    }

    /** Copies from one socket to the other until either closes; while cut, what arrives is dropped. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!cut) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINEST, "proxied connection ended", e);
        } finally {
            reset(from);
            reset(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Closes with RST (linger 0), as a dropped network would look to the other side once it notices. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "already closed", e);
        }
    }
}
