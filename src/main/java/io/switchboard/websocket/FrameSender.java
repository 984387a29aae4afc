package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container adapter for sending a text frame: the fastest path each container offers, chosen once per
 * connection.
 * <ul>
 * <li>Tyrus (Payara): pre-encoded frames, several per write, straight to the Grizzly connection's write queue on
 * a plain connection, through the {@code TyrusWebSocket} under the session's async remote otherwise (TLS). The
 * standard {@code RemoteEndpoint.Async} reschedules the session's idle-timeout task on every send, which costs most
 * of Payara's CPU in a broadcast, and each of its writes is copied into a new buffer and sent down the HTTP filter
 * chain with a flush; Switchboard runs its own heartbeat and coalesces queued frames instead.</li>
 * <li>Undertow (WildFly): the standard async remote, which already queues frames and packs them into few writes.</li>
 * <li>Any other container: the standard async remote, one frame in flight at a time, as the specification requires.</li>
 * </ul>
 */
public interface FrameSender {

    Logger LOG = Logger.getLogger(FrameSender.class.getName());

    /** Starts sending one text frame; {@code done} is called once, when it is written or has failed. */
    void send(String text, SendHandler done);

    /**
     * As {@link #send(String, SendHandler)}, from the frame's bytes where the container takes them: encoded once per
     * frame, not once per receiver.
     */
    default void send(OutboundFrame frame, SendHandler done) {
        send(frame.text(), done);
    }

    /**
     * Whether the container queues frames itself, in order, so that a new frame may be handed over before the last
     * one's completion; otherwise the caller keeps one frame in flight.
     */
    boolean pipelined();

    /**
     * Whether this sender takes several complete, pre-encoded frames in one write ({@link #writeFrames}); the
     * connection then coalesces whatever is queued for it into as few socket writes as possible.
     */
    default boolean coalesces() {
        return false;
    }

    /**
     * Writes complete frames (see {@link OutboundFrame#wire()}), the first {@code length} bytes of {@code frames}, as
     * they are, without waiting for the socket. The bytes may be shared with other connections: they are not changed.
     */
    default void writeFrames(byte[] frames, int length) {
        throw new UnsupportedOperationException();
    }

    /**
     * Whether this sender takes several frames in one call ({@link #sendBatch}) and writes them without
     * blocking the caller (the connection's send loop), saying by {@link #writing} when the container still holds
     * earlier writes.
     */
    default boolean batches() {
        return false;
    }

    /** Writes frames, in order, without waiting for the socket (see {@link #batches}); throws when that failed. */
    default void sendBatch(java.util.List<OutboundFrame> frames) {
        throw new UnsupportedOperationException();
    }

    /** Whether frames handed to {@link #writeFrames} are still waiting in the container for the socket. */
    default boolean writing() {
        return false;
    }

    /**
     * Asks to have {@code wake} run (on any thread) whenever {@link #writing} may have turned false; false when this
     * sender cannot tell, and the caller has to look again itself.
     */
    default boolean whenWritten(Runnable wake) {
        return false;
    }

    /**
     * Writes a Close frame and closes the TCP connection right after it, without waiting for the client's Close;
     * false when this sender cannot, and the caller closes the session the standard way. For a session refused in
     * {@code @OnOpen} on Payara (see {@link UpgradeRequest}): a client's answering Close would otherwise reach the
     * container while it ends the upgrade request.
     */
    default boolean closeConnection(CloseReason reason) {
        return false;
    }

    /** What this sender writes through, for the log. */
    default String path() {
        return getClass().getSimpleName();
    }

    static FrameSender of(Session session) {
        if (session instanceof Source source) {
            return source.frameSender();
        }
        String implementation = session.getClass().getName();
        if (implementation.startsWith("org.glassfish.tyrus.")
                && session.getNegotiatedExtensions().isEmpty()) {
            FrameSender tyrus = Tyrus.sender(session);
            if (tyrus != null) {
                return tyrus;
            }
        }
        if (implementation.startsWith("io.undertow.")) {
            FrameSender undertow = Undertow.sender(session);
            return undertow != null ? undertow : new Standard(session, true);
        }
        return new Standard(session, false);
    }

    /**
     * A session that is not a container's WebSocket (the Server-Sent Events fallback, {@code io.switchboard.sse})
     * and brings its own sender.
     */
    interface Source {
        FrameSender frameSender();
    }

    /** {@code session.getAsyncRemote().sendText(text, handler)}. */
    record Standard(Session session, boolean pipelined) implements FrameSender {
        @Override
        public void send(String text, SendHandler done) {
            session.getAsyncRemote().sendText(text, done);
        }

        @Override
        public String path() {
            return "the standard async remote (" + (pipelined ? "container queue" : "one frame in flight") + ")";
        }
    }

    /**
     * Tyrus' own web socket under the session, reached once per connection by reflection. Frames are written raw,
     * several at a time, which is valid because no extension (compression) was negotiated: straight to the Grizzly
     * connection under a plain (not TLS) servlet upgrade when it can be reached ({@link GrizzlyConnection}), else through
     * Tyrus' {@code sendRawFrame}. The method handles are looked up once per class and shared by all connections, so
     * the JIT sees one handle at each call site, not one per connection.
     */
    final class Tyrus implements FrameSender {
        private static final MethodType SEND_TEXT = MethodType.methodType(void.class, String.class, SendHandler.class);
        private static final MethodType SEND_RAW = MethodType.methodType(Future.class, ByteBuffer.class);
        /** For a web socket class: {@code sendText (Object, String, SendHandler)}, {@code sendRawFrame (Object, ByteBuffer)}. */
        private static final ClassValue<MethodHandle[]> HANDLES = Reflection.perClass(type -> {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new MethodHandle[] {
                lookup.findVirtual(type, "sendText", SEND_TEXT).asType(SEND_TEXT.insertParameterTypes(0, Object.class)),
                lookup.findVirtual(type, "sendRawFrame", SEND_RAW)
                        .asType(SEND_RAW.insertParameterTypes(0, Object.class))
            };
        });

        private final Object webSocket;
        private final MethodHandle sendText;
        private final MethodHandle sendRaw;
        private final GrizzlyConnection direct;
        private volatile Future<?> lastWrite;

        private Tyrus(Object webSocket, GrizzlyConnection direct) {
            this.webSocket = webSocket;
            MethodHandle[] handles = HANDLES.get(webSocket.getClass());
            this.sendText = handles[0];
            this.sendRaw = handles[1];
            this.direct = direct;
        }

        static FrameSender sender(Session session) {
            try {
                Object webSocket = Reflection.field(session.getAsyncRemote(), "webSocket");
                GrizzlyConnection direct = null;
                if (!session.isSecure()) {
                    try {
                        direct = GrizzlyConnection.under(webSocket);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        LOG.log(
                                Level.FINE,
                                "Grizzly connection not reachable, writing through Tyrus: {0}",
                                e.toString());
                    }
                }
                return new Tyrus(webSocket, direct);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "Tyrus fast send path unavailable, using the standard async remote: {0}",
                        e.toString());
                return null;
            }
        }

        /** Whether frames go straight to the Grizzly connection, past Tyrus and the servlet output stream. */
        boolean direct() {
            return direct != null;
        }

        @Override
        public String path() {
            return direct != null
                    ? "pre-encoded frames to the Grizzly connection's write queue"
                    : "pre-encoded frames through Tyrus";
        }

        @Override
        public void send(String text, SendHandler done) {
            try {
                sendText.invokeExact(webSocket, text, done);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                done.onResult(new SendResult(e));
            }
        }

        @Override
        public boolean pipelined() {
            return true;
        }

        @Override
        public boolean coalesces() {
            return true;
        }

        @Override
        public void writeFrames(byte[] frames, int length) {
            try {
                if (direct != null) {
                    direct.write(frames, length);
                } else {
                    lastWrite = (Future<?>) sendRaw.invokeExact(webSocket, ByteBuffer.wrap(frames, 0, length));
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean closeConnection(CloseReason reason) {
            if (direct == null) {
                return false;
            }
            try {
                byte[] close = OutboundFrame.close(reason.getCloseCode().getCode(), reason.getReasonPhrase());
                direct.write(close, close.length);
                direct.close();
                return true;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean writing() {
            if (direct != null) {
                return direct.writing();
            }
            Future<?> last = lastWrite;
            return last != null && !last.isDone();
        }
    }

    /**
     * Undertow's own channel under the session (WildFly): {@code WebSockets.sendText(ByteBuffer, channel, callback,
     * handler, sendTimeout)}, the call its standard async remote makes after encoding the text to UTF-8 for each
     * receiver (a new byte array per frame and receiver, a quarter of WildFly's allocation in a broadcast); here the
     * payload is the frame's bytes, encoded once for all receivers. Undertow still queues and frames it (extensions
     * included) and completes it as before; the completion callback is one object shared by all connections, with
     * the connection's {@link SendHandler} as the context Undertow passes back.
     */
    final class Undertow implements FrameSender {
        private static final SendResult OK = new SendResult();
        /** For a channel class: {@code WebSockets.sendText (ByteBuffer, Object channel, Object callback, Object, long)}. */
        private static final ClassValue<Object[]> SEND = new ClassValue<>() {
            @Override
            protected Object[] computeValue(Class<?> channelType) {
                try {
                    ClassLoader loader = channelType.getClassLoader();
                    Class<?> channel = Class.forName("io.undertow.websockets.core.WebSocketChannel", false, loader);
                    Class<?> callback = Class.forName("io.undertow.websockets.core.WebSocketCallback", false, loader);
                    MethodHandle send = MethodHandles.publicLookup()
                            .findStatic(
                                    Class.forName("io.undertow.websockets.core.WebSockets", false, loader),
                                    "sendText",
                                    MethodType.methodType(
                                            void.class, ByteBuffer.class, channel, callback, Object.class, long.class))
                            .asType(MethodType.methodType(
                                    void.class,
                                    ByteBuffer.class,
                                    Object.class,
                                    Object.class,
                                    Object.class,
                                    long.class));
                    Object completion = java.lang.reflect.Proxy.newProxyInstance(
                            loader, new Class<?>[] {callback}, (proxy, method, args) -> {
                                switch (method.getName()) {
                                    case "complete" -> ((SendHandler) args[1]).onResult(OK);
                                    case "onError" ->
                                        ((SendHandler) args[1]).onResult(new SendResult((Throwable) args[2]));
                                    case "hashCode" -> {
                                        return System.identityHashCode(proxy);
                                    }
                                    case "equals" -> {
                                        return proxy == args[0];
                                    }
                                    case "toString" -> {
                                        return "Switchboard send completion";
                                    }
                                    default -> {}
                                }
                                return null;
                            });
                    return new Object[] {send, completion};
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot reach Undertow's WebSockets: " + e, e);
                }
            }
        };

        private final Session session;
        private final Object channel;
        private final MethodHandle send;
        private final Object completion;
        private final long timeout;

        private Undertow(Session session, Object channel) {
            this.session = session;
            this.channel = channel;
            Object[] handles = SEND.get(channel.getClass());
            this.send = (MethodHandle) handles[0];
            this.completion = handles[1];
            this.timeout = session.getAsyncRemote().getSendTimeout();
        }

        static FrameSender sender(Session session) {
            try {
                Object channel =
                        session.getClass().getMethod("getWebSocketChannel").invoke(session);
                return channel == null ? null : new Undertow(session, channel);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "Undertow pre-encoded send path unavailable, using the standard async remote: {0}",
                        e.toString());
                return null;
            }
        }

        @Override
        public void send(String text, SendHandler done) {
            session.getAsyncRemote().sendText(text, done);
        }

        @Override
        public void send(OutboundFrame frame, SendHandler done) {
            byte[] wire = frame.wire();
            int header = OutboundFrame.headerLength(wire);
            try {
                send.invokeExact(
                        ByteBuffer.wrap(wire, header, wire.length - header),
                        channel,
                        completion,
                        (Object) done,
                        timeout);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                done.onResult(new SendResult(e));
            }
        }

        @Override
        public boolean pipelined() {
            return true;
        }

        @Override
        public String path() {
            return "pre-encoded text to the Undertow channel (container queue)";
        }
    }
}
