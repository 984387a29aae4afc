package io.switchboard.websocket;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the container still holds bytes of an HTTP response for the socket (its client reads slowly), where the
 * container lets us see it: Payara (Grizzly's per-connection write queue). An event stream uses it to keep frames in
 * the connection's send queue, where they count towards the slow-consumer limit, instead of in the container.
 */
public final class ResponseWriteQueue {

    private static final Logger LOG = Logger.getLogger(ResponseWriteQueue.class.getName());

    private ResponseWriteQueue() {}

    /** For a servlet request (the real one, not a proxy): whether its connection's write queue holds bytes. */
    public static Optional<BooleanSupplier> of(Object servletRequest) {
        if (servletRequest == null) {
            return Optional.empty();
        }
        try {
            GrizzlyConnection connection = GrizzlyConnection.underRequest(servletRequest);
            return connection == null ? Optional.empty() : Optional.of(connection::writing);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "No write queue under {0}: {1}", new Object[] {servletRequest.getClass(), e});
            return Optional.empty();
        }
    }
}
