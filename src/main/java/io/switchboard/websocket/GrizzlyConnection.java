package io.switchboard.websocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * Payara's servlet upgrade under Tyrus: Tyrus writes each frame through the servlet output stream, which copies
 * it into a fresh Grizzly buffer and sends it down the HTTP filter chain, the larger part of Payara's cost of a
 * broadcast. On a plain connection (no TLS filter) the upgraded socket carries WebSocket frames as they are, so
 * they can go to the Grizzly transport's asynchronous write queue directly: the same per-connection queue the
 * filter chain ends in, so frames Tyrus still writes itself (pings, close) keep their order.
 */
final class GrizzlyConnection {
    private static final String SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";
    /**
     * For a Grizzly connection class: {@code Buffers.wrap (Object memoryManager, byte[], int offset, int length) Object}
     * (on Payara's heap memory manager one buffer object around the shared bytes, no {@code ByteBuffer} in between),
     * {@code Writer.write (Object writer, Object connection, Object message, CompletionHandler null) void} and
     * {@code connection.getAsyncWriteQueue().isEmpty() (Object connection) boolean}.
     */
    private static final ClassValue<MethodHandle[]> HANDLES = Reflection.perClass(type -> {
        ClassLoader loader = type.getClassLoader();
        Class<?> connection = Class.forName("org.glassfish.grizzly.Connection", false, loader);
        Class<?> message = Class.forName("org.glassfish.grizzly.asyncqueue.WritableMessage", false, loader);
        Class<?> buffer = Class.forName("org.glassfish.grizzly.Buffer", false, loader);
        Class<?> memory = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, loader);
        Class<?> writer = Class.forName("org.glassfish.grizzly.Writer", false, loader);
        Class<?> handler = Class.forName("org.glassfish.grizzly.CompletionHandler", false, loader);
        Class<?> taskQueue = Class.forName("org.glassfish.grizzly.asyncqueue.TaskQueue", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return new MethodHandle[] {
            lookup.findStatic(
                            Class.forName("org.glassfish.grizzly.memory.Buffers", false, loader),
                            "wrap",
                            MethodType.methodType(buffer, memory, byte[].class, int.class, int.class))
                    .asType(MethodType.methodType(Object.class, Object.class, byte[].class, int.class, int.class)),
            MethodHandles.insertArguments(
                            lookup.findVirtual(
                                    writer, "write", MethodType.methodType(void.class, connection, message, handler)),
                            3,
                            (Object) null)
                    .asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class)),
            MethodHandles.filterReturnValue(
                            lookup.findVirtual(type, "getAsyncWriteQueue", MethodType.methodType(taskQueue)),
                            lookup.findVirtual(taskQueue, "isEmpty", MethodType.methodType(boolean.class)))
                    .asType(MethodType.methodType(boolean.class, Object.class))
        };
    });

    private final Object connection;
    private final Object queueWriter;
    private final Object memory;
    private final MethodHandle wrap;
    private final MethodHandle write;
    private final MethodHandle idle;

    private GrizzlyConnection(Object connection, Object queueWriter, Object memory) {
        this.connection = connection;
        this.queueWriter = queueWriter;
        this.memory = memory;
        MethodHandle[] handles = HANDLES.get(connection.getClass());
        this.wrap = handles[0];
        this.write = handles[1];
        this.idle = handles[2];
    }

    /** The Grizzly connection under {@code webSocket}, or null if it cannot be reached or is not plain TCP. */
    static GrizzlyConnection under(Object webSocket) throws ReflectiveOperationException {
        Object writer = Reflection.field(Reflection.field(webSocket, "protocolHandler"), "writer");
        if (writer == null || !SERVLET_WRITER.equals(writer.getClass().getName())) {
            return null;
        }
        Object upgradeHandler = Reflection.field(writer, "tyrusHttpUpgradeHandler"); // may be a proxy of the real one
        Object webConnection = Reflection.call(upgradeHandler, "getWebConnection");
        Object request = Reflection.field(webConnection, "request");
        Object coyoteRequest = request.getClass().getMethod("getCoyoteRequest").invoke(request);
        Object connection = coyoteRequest.getClass().getMethod("getConnection").invoke(coyoteRequest);
        if (connection == null || !plain(connection)) {
            return null;
        }
        Object transport = connection.getClass().getMethod("getTransport").invoke(connection);
        Object asyncQueue = transport.getClass().getMethod("getAsyncQueueIO").invoke(transport);
        Object queueWriter = asyncQueue.getClass().getMethod("getWriter").invoke(asyncQueue);
        Object memory = connection.getClass().getMethod("getMemoryManager").invoke(connection);
        return new GrizzlyConnection(connection, queueWriter, memory);
    }

    /**
     * The Grizzly connection under a servlet request of Payara (its {@code RequestFacade} or {@code Request}), or null
     * if it cannot be reached; for its {@link #writing()} only (the connection carries HTTP, not raw frames).
     */
    static GrizzlyConnection underRequest(Object servletRequest) throws ReflectiveOperationException {
        Object request = servletRequest;
        if (Reflection.has(request, "request") && !hasMethod(request, "getCoyoteRequest")) {
            request = Reflection.field(request, "request"); // the facade's catalina Request
        }
        if (!hasMethod(request, "getCoyoteRequest")) {
            return null;
        }
        Object coyoteRequest = request.getClass().getMethod("getCoyoteRequest").invoke(request);
        Object connection = coyoteRequest.getClass().getMethod("getConnection").invoke(coyoteRequest);
        if (connection == null) {
            return null;
        }
        Object transport = connection.getClass().getMethod("getTransport").invoke(connection);
        Object asyncQueue = transport.getClass().getMethod("getAsyncQueueIO").invoke(transport);
        Object queueWriter = asyncQueue.getClass().getMethod("getWriter").invoke(asyncQueue);
        Object memory = connection.getClass().getMethod("getMemoryManager").invoke(connection);
        return new GrizzlyConnection(connection, queueWriter, memory);
    }

    private static boolean hasMethod(Object target, String name) {
        try {
            target.getClass().getMethod(name);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Queues complete frames on the connection, without a future or completion handler: a failed write closes
     * the connection, which the endpoint hears of.
     */
    void write(byte[] frames, int length) throws Throwable {
        Object message = (Object) wrap.invokeExact(memory, frames, 0, length);
        write.invokeExact(queueWriter, connection, message);
    }

    /** Closes the connection once what is queued for it is written. */
    void close() throws ReflectiveOperationException {
        Class.forName(
                        "org.glassfish.grizzly.Closeable",
                        false,
                        connection.getClass().getClassLoader())
                .getMethod("close")
                .invoke(connection);
    }

    /** Whether the connection's write queue still holds bytes for the socket (the client reads slowly). */
    boolean writing() {
        try {
            return !(boolean) idle.invokeExact(connection);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether nothing in the connection's filter chain transforms bytes on their way out (TLS). */
    private static boolean plain(Object connection) throws ReflectiveOperationException {
        Object chain = connection.getClass().getMethod("getProcessor").invoke(connection);
        if (chain == null) {
            Object transport = connection.getClass().getMethod("getTransport").invoke(connection);
            chain = transport.getClass().getMethod("getProcessor").invoke(transport);
        }
        if (!(chain instanceof Iterable<?> filters)) {
            return false;
        }
        for (Object filter : filters) {
            if (filter.getClass().getName().toUpperCase(Locale.ROOT).contains("SSL")) {
                return false;
            }
        }
        return true;
    }
}
