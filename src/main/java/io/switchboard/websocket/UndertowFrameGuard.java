package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link FrameScanner} on Undertow (WildFly): Undertow 2.3.23 reads a text frame that arrives in several reads
 * without checking the session's maximum text message size ({@code BufferedTextMessage.read}'s read listener checks
 * it only at the end of the frame, fixed upstream in UNDERTOW-2770), so one frame declaring 1 TiB is read until the
 * heap is gone.
 * <p>
 * The guard is an XNIO source conduit under Undertow's WebSocket channel. It must see the first byte after the
 * upgrade, but {@code @OnOpen} runs on a worker while the I/O thread may already read frames, so it is put in place
 * at the handshake ({@link #beforeUpgrade}), as the HTTP connection's original conduit, which Undertow restores
 * when it hands the connection to the WebSocket channel. It passes bytes through untouched unless the handshake
 * was answered 101 (a refused handshake leaves an HTTP connection). {@code @OnOpen} then tells it how to close the
 * session ({@link #attach}). A refused client's bytes are read and dropped until the close; the connection is cut
 * a few seconds after the close frame if the client does not close it.
 */
final class UndertowFrameGuard implements InvocationHandler {

    private static final Logger LOG = Logger.getLogger(UndertowFrameGuard.class.getName());
    private static final long CUT_AFTER_SECONDS = 5;

    /**
     * Runs a cut {@link #CUT_AFTER_SECONDS} later on the JDK's one delay thread itself (closing a channel is quick):
     * with the default executor, on 2 cores (a common pool of parallelism 1) each cut would start a thread of its
     * own, 10,000 of them when 10,000 connections drop at once.
     */
    private static final Executor CUT_LATER =
            CompletableFuture.delayedExecutor(CUT_AFTER_SECONDS, TimeUnit.SECONDS, Runnable::run);

    private final Object conduit;
    private final FrameScanner scanner;
    private final IntSupplier handshakeStatus;
    private final Closeable connection;
    private volatile Boolean upgraded;
    private volatile Consumer<CloseReason> refuse;
    private boolean refused;

    private UndertowFrameGuard(
            Object conduit, FrameScanner scanner, IntSupplier handshakeStatus, Closeable connection) {
        this.conduit = conduit;
        this.scanner = scanner;
        this.handshakeStatus = handshakeStatus;
        this.connection = connection;
    }

    /**
     * Wraps the original source conduit of the HTTP connection of the current Undertow servlet request (the handshake).
     *
     * @return false when this is not Undertow
     */
    static boolean beforeUpgrade(ClassLoader containerLoader, FrameScanner scanner)
            throws ReflectiveOperationException {
        Class<?> context = Class.forName("io.undertow.servlet.handlers.ServletRequestContext", false, containerLoader);
        Object current = context.getMethod("current").invoke(null);
        if (current == null) {
            return false;
        }
        Object exchange = context.getMethod("getExchange").invoke(current);
        Object connection = exchange.getClass().getMethod("getConnection").invoke(exchange);
        Object channel = connection.getClass().getMethod("getChannel").invoke(connection);
        Object original = Reflection.field(connection, "originalSourceConduit");
        if (original != null
                && Proxy.isProxyClass(original.getClass())
                && Proxy.getInvocationHandler(original) instanceof UndertowFrameGuard earlier) {
            original = earlier.conduit; // a keep-alive connection whose earlier handshake was not answered 101
        }
        if (original == null) {
            return false;
        }
        Class<?> conduitType = Class.forName(
                "org.xnio.conduits.StreamSourceConduit",
                false,
                original.getClass().getClassLoader());
        Method status = exchange.getClass().getMethod("getStatusCode");
        UndertowFrameGuard guard = new UndertowFrameGuard(
                original,
                scanner,
                () -> {
                    try {
                        return (int) status.invoke(exchange);
                    } catch (ReflectiveOperationException e) {
                        return -1;
                    }
                },
                (Closeable) channel);
        Reflection.set(
                connection,
                "originalSourceConduit",
                Proxy.newProxyInstance(conduitType.getClassLoader(), new Class<?>[] {conduitType}, guard));
        return true;
    }

    /**
     * Tells the guard under {@code session}'s connection how to close it.
     *
     * @return the guard's scanner, or null when there is no guard under the session
     */
    static FrameScanner attach(Session session, Consumer<CloseReason> refuse) throws ReflectiveOperationException {
        Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
        Object connection = Reflection.call(channel, "getUnderlyingConnection");
        Object source = connection.getClass().getMethod("getSourceChannel").invoke(connection);
        for (Object conduit = source.getClass().getMethod("getConduit").invoke(source);
                conduit != null;
                conduit = under(conduit)) {
            if (Proxy.isProxyClass(conduit.getClass())
                    && Proxy.getInvocationHandler(conduit) instanceof UndertowFrameGuard guard) {
                guard.attach(refuse);
                return guard.scanner;
            }
        }
        return null;
    }

    /**
     * Cuts the TCP connection under {@code session} if it is still open {@link #CUT_AFTER_SECONDS} after the session
     * closed (see {@link FrameGuard#afterClose}).
     */
    static void cutIfStillOpen(Session session) throws ReflectiveOperationException {
        Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
        if (!(channel instanceof java.nio.channels.Channel open)) {
            return;
        }
        CUT_LATER.execute(() -> {
            if (open.isOpen()) {
                LOG.log(Level.FINE, "Cutting connection {0}: still open after its close", session.getId());
                try {
                    open.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        });
    }

    /** The conduit a conduit reads from: XNIO's and Undertow's wrappers ({@code next}), Undertow's idle timeout ({@code source}). */
    private static Object under(Object conduit) throws ReflectiveOperationException {
        for (String field : new String[] {"next", "source"}) {
            if (Reflection.has(conduit, field)) {
                return Reflection.field(conduit, field);
            }
        }
        return null;
    }

    private void attach(Consumer<CloseReason> refuse) {
        this.refuse = refuse;
        CloseReason early = scanner.refusal();
        if (early != null) {
            refuse.accept(early);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("read") && upgraded()) {
            return args.length == 1
                    ? read(new ByteBuffer[] {(ByteBuffer) args[0]}, 0, 1, method, args)
                    : read((ByteBuffer[]) args[0], (int) args[1], (int) args[2], method, args);
        }
        return delegate(method, args);
    }

    /** Whether the handshake was answered 101, decided at the first read after it (never an HTTP connection's). */
    private boolean upgraded() {
        Boolean known = upgraded;
        if (known == null) {
            known = handshakeStatus.getAsInt() == 101;
            upgraded = known;
        }
        return known;
    }

    /**
     * A read ({@code read(ByteBuffer)} or {@code read(ByteBuffer[], int, int)}) whose bytes the scanner follows; once
     * the client is refused, what it sends is dropped (the read reports 0 bytes) until it closes.
     */
    private Object read(ByteBuffer[] into, int offset, int count, Method method, Object[] args) throws Throwable {
        int[] before = new int[count];
        for (int i = 0; i < count; i++) {
            before[i] = into[offset + i].position();
        }
        Object result = delegate(method, args);
        long read = ((Number) result).longValue();
        if (read <= 0) {
            return result;
        }
        if (!refused) {
            for (int i = 0; i < count && scanner.refusal() == null; i++) {
                ByteBuffer fresh = into[offset + i].duplicate();
                fresh.limit(fresh.position()).position(before[i]);
                scanner.scan(fresh);
            }
            if (scanner.refusal() == null) {
                return result;
            }
            refused();
        }
        for (int i = 0; i < count; i++) {
            into[offset + i].position(before[i]); // dropped
        }
        return result instanceof Long ? (Object) 0L : (Object) 0;
    }

    private void refused() {
        refused = true;
        Consumer<CloseReason> close = refuse;
        if (close != null) {
            close.accept(scanner.refusal());
        }
        CUT_LATER.execute(() -> {
            try {
                connection.close();
            } catch (IOException e) {
                // already closed
            }
        });
    }

    /** Everything else (and {@code transferTo}, which Undertow's WebSocket channel does not use) goes straight through. */
    private Object delegate(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(conduit, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
