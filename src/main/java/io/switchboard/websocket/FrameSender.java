package io.switchboard.websocket;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container adapter for sending a text frame: the fastest path each container offers, chosen once per
 * connection.
 * <ul>
 * <li>Tyrus (Payara): {@code TyrusWebSocket.sendText(String, SendHandler)} under the session's async remote. The
 * standard {@code RemoteEndpoint.Async} reschedules the session's idle-timeout task on every send, which costs most
 * of Payara's CPU in a broadcast; Switchboard runs its own heartbeat, so that task is not needed.</li>
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

    static FrameSender of(Session session) {
        String implementation = session.getClass().getName();
        if (implementation.startsWith("org.glassfish.tyrus.")) {
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

    /** Tyrus' own web socket under the session, reached once per connection by reflection. */
    final class Tyrus implements FrameSender {
        private static final MethodType SEND_TEXT = MethodType.methodType(void.class, String.class, SendHandler.class);
        private final MethodHandle sendText;

        private Tyrus(MethodHandle sendText) {
            this.sendText = sendText;
        }

        static FrameSender sender(Session session) {
            try {
                Object remote = session.getAsyncRemote();
                Field field = field(remote.getClass(), "webSocket");
                field.setAccessible(true);
                Object webSocket = field.get(remote);
                MethodHandle handle = MethodHandles.publicLookup()
                        .findVirtual(webSocket.getClass(), "sendText", SEND_TEXT)
                        .bindTo(webSocket);
                return new Tyrus(handle);
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
    }
}
