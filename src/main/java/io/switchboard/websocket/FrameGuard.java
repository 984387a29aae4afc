package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts a {@link FrameScanner} in front of the container's frame parser, on each container at its own seam: the
 * containers buffer a whole frame before any message size limit applies, and Tyrus takes unmasked frames. Where a
 * seam cannot be reached (another container or version) the connection works as before and this is logged once.
 */
public final class FrameGuard {

    private static final Logger LOG = Logger.getLogger(FrameGuard.class.getName());
    private static final AtomicBoolean UNAVAILABLE_LOGGED = new AtomicBoolean();

    private FrameGuard() {}

    /** At the handshake ({@code Configurator.modifyHandshake}): on Undertow, the guard goes under the connection now. */
    public static void beforeUpgrade(HandshakeRequest request, long limit) {
        if (request.getClass().getName().startsWith("io.undertow.")) {
            try {
                if (!UndertowFrameGuard.beforeUpgrade(request.getClass().getClassLoader(), new FrameScanner(limit))) {
                    unavailable("Undertow's handshake connection was not found");
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                unavailable(e.toString());
            }
        }
    }

    /**
     * At {@code @OnOpen}: on Tyrus the guard goes before the upgrade handler now; on Undertow the guard put there at the
     * handshake learns how to close the session. {@code refuse} closes the session with the guard's reason.
     *
     * @return the scanner that follows the session's frames, or null when none could be put in place
     */
    static FrameScanner onOpen(Session session, long limit, Consumer<CloseReason> refuse) {
        if (session instanceof FrameSender.Source) {
            return null; // not a WebSocket: no frames to guard (the SSE fallback limits its POST bodies itself)
        }
        String container = session.getClass().getName();
        try {
            FrameScanner scanner = null;
            if (container.startsWith("org.glassfish.tyrus.")) {
                FrameScanner fresh = new FrameScanner(limit);
                scanner = TyrusFrameGuard.install(session, fresh, refuse) ? fresh : null;
            } else if (container.startsWith("io.undertow.")) {
                scanner = UndertowFrameGuard.attach(session, refuse);
            }
            if (scanner == null) {
                unavailable(container + " offers no known seam");
            }
            return scanner;
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable(e.toString());
            return null;
        }
    }

    /**
     * After Switchboard let go of a connection: on Undertow, its TCP connection is cut if it is still open a few
     * seconds later. A close handshake normally ends it within milliseconds, but on a loaded WildFly a few in a
     * thousand clients that sent Close got no Close back, and when such a client then dropped its socket the server
     * kept it (CLOSE_WAIT) with the whole session reachable, for good (bench/README.md, churn soak).
     */
    static void afterClose(Session session) {
        if (session.getClass().getName().startsWith("io.undertow.")) {
            try {
                UndertowFrameGuard.cutIfStillOpen(session);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "Cannot watch the close of {0}: {1}", new Object[] {session.getId(), e});
            }
        }
    }

    private static void unavailable(String why) {
        if (UNAVAILABLE_LOGGED.compareAndSet(false, true)) {
            LOG.log(
                    Level.WARNING,
                    "Switchboard cannot check frames before the container reads them ({0}): frame sizes and "
                            + "masking are left to the container. Logged once.",
                    why);
        }
    }
}
