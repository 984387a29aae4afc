package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.operations.control.TrafficLog;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every endpoint shares, its one entry: open (identify, apply limits, register: {@link ConnectionLifecycle}),
 * messages (rate limits, in order, error frames and strikes), error (error frame or close), close (deregister exactly
 * once), and this node's open connections by id and by user ({@link ConnectionRegistry}). Endpoints call it and stay
 * thin.
 */
@ApplicationScoped
public class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());

    @Inject
    SwitchboardConfig config;

    @Inject
    UserLimits userLimits;

    @Inject
    ConnectionLifecycle lifecycle;

    @Inject
    ConnectionRegistry registry;

    @Inject
    Metrics metrics;

    private Meters meters;

    @PostConstruct
    void init() {
        meters = metrics.meters();
    }

    /**
     * Identifies and registers a newly opened session and applies the frame checks ({@link FrameGuard}), message size
     * and connection limits.
     *
     * @return the connection, or empty when it was refused (and is being closed with 1008, 1013 when this node
     *         has as many connections as it accepts, or 1012 while it drains; see {@link #refuse})
     */
    public Optional<Connection> open(Session session) {
        return lifecycle.open(session);
    }

    /**
     * Closes a session that {@code @OnOpen} refuses (it is not registered): from a send loop, once the container has
     * finished the upgrade request, never from inside {@code @OnOpen} (see {@link UpgradeRequest}). Counted and logged
     * as a refused handshake.
     */
    public void refuse(Session session, Meters.Refusal why, CloseReason reason) {
        lifecycle.refuse(session, why, reason);
    }

    /**
     * What an endpoint does with its clients' text frames: decoded by {@code codec}, counted under the endpoint's
     * {@code endpoint} tag ({@link Meters#ENDPOINTS}), handed to {@code handler} as {@link #onMessage} does. One for all
     * the endpoint's connections (see {@link TextInbound}).
     */
    public <T extends ClientMessage> TextInbound<T> inbound(
            TextCodec<T> codec, String endpoint, BiConsumer<Connection, T> handler) {
        return new TextInbound<>(
                codec, config.maxTextMessageBytes(), meters.inbound(endpoint, codec.aliases()), this, handler);
    }

    /** The registered connection of a session, if it was accepted and is not yet closed. */
    public Optional<Connection> of(Session session) {
        return Optional.ofNullable(ConnectionLifecycle.attached(session));
    }

    /**
     * Deregisters the session's connection, once, and tells observers. The close counts as the server's when this side
     * had decided to close, with the code it closed with; otherwise as the client's, with the client's code (1006 when
     * the connection broke without a Close frame). A write that failed because the client's close had come first does
     * not make the close the server's ({@link Connection#closedByPeerFirst}).
     */
    public void closed(Session session, CloseReason reason) {
        Connection connection = ConnectionLifecycle.detach(session);
        if (connection != null) {
            boolean peerFirst = connection.closedByPeerFirst(reason);
            CloseReason here = peerFirst ? null : connection.closedHereWith();
            CloseReason used = here != null ? here : reason;
            int code = used == null
                    ? CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode()
                    : used.getCloseCode().getCode();
            lifecycle.deregister(
                    connection,
                    code,
                    used == null ? "" : used.getReasonPhrase(),
                    connection.closingHere() && !peerFirst ? Meters.Initiator.SERVER : Meters.Initiator.CLIENT);
        }
    }

    /** Closes a connection and deregisters it at once, without waiting for the container to report the close. */
    void forget(Connection connection, Close why) {
        forget(connection, why.reason());
    }

    private void forget(Connection connection, CloseReason reason) {
        connection.close(reason);
        ConnectionLifecycle.detach(connection.session());
        lifecycle.deregister(
                connection, reason.getCloseCode().getCode(), reason.getReasonPhrase(), Meters.Initiator.SERVER);
    }

    /**
     * Runs an endpoint's handling of one decoded message for the session's connection, on a message worker, after
     * the connection's earlier messages. A refused message gets an error frame and a strike; a server failure gets
     * an {@code internal_error} frame and no strike. A message over the connection's or the user's rate limit is
     * not handled and does not wait behind the others: it gets a {@code rate_limited} error frame at once, whose
     * {@code ref} is the message's, and a client that keeps flooding (more than
     * {@code switchboard.limits.max-dropped} dropped within the strike window) is closed with 1008 once the
     * messages accepted before are handled.
     */
    public void onMessage(Session session, ClientMessage message, Consumer<Connection> handler) {
        of(session).ifPresent(connection -> {
            connection.touch();
            connection.traffic().in();
            if (TrafficLog.contents()) {
                TrafficLog.content(connection.id(), "in", String.valueOf(message));
            }
            if (connection.flooding()) {
                return;
            }
            boolean connectionAdmits = connection.admit();
            if (!connectionAdmits || !userLimits.tryMessage(connection.userId())) {
                meters.rateLimited(connectionAdmits);
                connection.drop(new InvalidMessage(
                        ErrorCode.RATE_LIMITED,
                        "too many messages: at most "
                                + config.messagesPerSecond() + " a second per connection and "
                                + config.userMessagesPerSecond()
                                + " per user; this one was dropped",
                        message.ref()));
                return;
            }
            connection.process(() -> handle(connection, handler, message.ref()));
        });
    }

    private void handle(Connection connection, Consumer<Connection> handler, String ref) {
        try {
            handler.accept(connection);
        } catch (InvalidMessage e) {
            connection.reject(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Handling a message of " + connection + " failed", e);
            connection.sendError(new InvalidMessage(
                    ErrorCode.INTERNAL_ERROR, "the server could not process the message; it was not accepted", ref));
        }
    }

    /** Handles a binary frame: the protocol is JSON text, so the connection is closed with 1003. */
    public void refuseBinary(Session session) {
        of(session).ifPresent(connection -> connection.close(Close.BINARY_NOT_ACCEPTED));
    }

    /** Handles a pong: the client is alive; the heartbeat's round trip is recorded. */
    public void heard(Session session) {
        of(session).ifPresent(Connection::pong);
    }

    /**
     * Handles an endpoint's {@code @OnError}: a message the client got wrong earns an error frame (and a strike);
     * a broken connection is deregistered; anything else is logged and closed with 1011.
     */
    public void error(Session session, Throwable error) {
        Optional<Connection> connection = of(session);
        TextCodec.MessageTooBig tooBig = cause(error, TextCodec.MessageTooBig.class);
        if (tooBig != null && connection.isPresent()) {
            connection.get().close(Close.TOO_BIG.reason(tooBig.getMessage()));
            return;
        }
        InvalidMessage invalid = cause(error, InvalidMessage.class);
        if ((invalid != null || error instanceof DecodeException) && connection.isPresent()) {
            connection.get().touch(); // a refused message is still a sign of life
            connection.get().traffic().in();
        }
        if (invalid != null && connection.isPresent()) {
            connection
                    .get()
                    .process(() -> connection.get().reject(invalid)); // in order with the client's other messages
            return;
        }
        if (error instanceof DecodeException && connection.isPresent()) {
            InvalidMessage malformed = new InvalidMessage(ErrorCode.MALFORMED_JSON, String.valueOf(error.getMessage()));
            connection.get().process(() -> connection.get().reject(malformed));
            return;
        }
        if (!session.isOpen() || isDisconnect(error)) {
            LOG.log(Level.FINE, "Connection {0} broke: {1}", new Object[] {session.getId(), error.toString()});
            closed(session, null);
            return;
        }
        LOG.log(
                Level.WARNING,
                "Unexpected error on connection " + session.getId()
                        + connection.map(c -> " of user " + c.userId()).orElse(""),
                error);
        connection.ifPresentOrElse(
                c -> c.close(Close.INTERNAL_ERROR),
                () -> ConnectionLifecycle.closeQuietly(session, Close.INTERNAL_ERROR.reason()));
        closed(session, Close.INTERNAL_ERROR.reason());
    }

    /** Closes every connection of a user on this node; returns how many there were. */
    public int closeUser(String userId, Close why) {
        return closeUser(userId, why.reason());
    }

    /** As {@link #closeUser(String, Close)}, with a reason of the caller's. */
    public int closeUser(String userId, CloseReason why) {
        Collection<Connection> theirs = ofUser(userId);
        theirs.forEach(connection -> forget(connection, why));
        return theirs.size();
    }

    /** Closes one connection of this node by its id; false when there is none. */
    public boolean close(String connectionId, CloseReason why) {
        Connection connection = registry.get(connectionId);
        if (connection == null) {
            return false;
        }
        forget(connection, why);
        return true;
    }

    public Collection<Connection> all() {
        return registry.all();
    }

    public Collection<Connection> ofUser(String userId) {
        return registry.ofUser(userId);
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean isDisconnect(Throwable error) {
        return cause(error, java.io.IOException.class) != null;
    }
}
