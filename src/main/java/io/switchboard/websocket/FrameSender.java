package io.switchboard.websocket;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container adapter for sending a text frame: the fastest path each container offers, chosen once per
 * connection.
 * <ul>
 * <li>Tyrus (Payara): the {@code TyrusWebSocket} under the session's async remote, taking pre-encoded frames,
 * several per write. The standard {@code RemoteEndpoint.Async} reschedules the session's idle-timeout task on every
 * send, which costs most of Payara's CPU in a broadcast, and each write goes through Grizzly's filter chain and a
 * flush; Switchboard runs its own heartbeat and coalesces queued frames instead.</li>
 * <li>Undertow (WildFly): the standard async remote, which already queues frames and packs them into few writes.</li>
 * <li>Any other container: the standard async remote, one frame in flight at a time, as the specification requires.</li>
 * </ul>
 */
public interface FrameSender {

    Logger LOG = Logger.getLogger(FrameSender.class.getName());

    /** Starts sending one text frame; {@code done} is called once, when it is written or has failed. */
    void send(String text, SendHandler done);

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
     * Writes complete frames (see {@link OutboundFrame#wire()}) as they are.
     *
     * @return the write, done once the container has written it to the socket
     */
    default Future<?> writeFrames(ByteBuffer frames) {
        throw new UnsupportedOperationException();
    }

    static FrameSender of(Session session) {
        String implementation = session.getClass().getName();
        if (implementation.startsWith("org.glassfish.tyrus.") && session.getNegotiatedExtensions().isEmpty()) {
            FrameSender tyrus = Tyrus.sender(session);
            if (tyrus != null) {
                return tyrus;
            }
        }
        return new Standard(session, implementation.startsWith("io.undertow."));
    }

    /** {@code session.getAsyncRemote().sendText(text, handler)}. */
    record Standard(Session session, boolean pipelined) implements FrameSender {
        @Override
        public void send(String text, SendHandler done) {
            session.getAsyncRemote().sendText(text, done);
        }
    }

    /**
     * Tyrus' own web socket under the session, reached once per connection by reflection. Frames are written raw
     * ({@code sendRawFrame}), several at a time, which is valid because no extension (compression) was negotiated.
     */
    final class Tyrus implements FrameSender {
        private static final MethodType SEND_TEXT = MethodType.methodType(void.class, String.class, SendHandler.class);
        private static final MethodType SEND_RAW = MethodType.methodType(Future.class, ByteBuffer.class);
        private final MethodHandle sendText;
        private final MethodHandle sendRaw;

        private Tyrus(MethodHandle sendText, MethodHandle sendRaw) {
            this.sendText = sendText;
            this.sendRaw = sendRaw;
        }

        static FrameSender sender(Session session) {
            try {
                Object remote = session.getAsyncRemote();
                Field field = field(remote.getClass(), "webSocket");
                field.setAccessible(true);
                Object webSocket = field.get(remote);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                return new Tyrus(lookup.findVirtual(webSocket.getClass(), "sendText", SEND_TEXT).bindTo(webSocket),
                        lookup.findVirtual(webSocket.getClass(), "sendRawFrame", SEND_RAW).bindTo(webSocket));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.WARNING, "Tyrus fast send path unavailable, using the standard async remote: {0}", e.toString());
                return null;
            }
        }

        private static Field field(Class<?> type, String name) throws NoSuchFieldException {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    return c.getDeclaredField(name);
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            throw new NoSuchFieldException(name);
        }

        @Override
        public void send(String text, SendHandler done) {
            try {
                sendText.invokeExact(text, done);
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
        public Future<?> writeFrames(ByteBuffer frames) {
            try {
                return (Future<?>) sendRaw.invokeExact(frames);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
