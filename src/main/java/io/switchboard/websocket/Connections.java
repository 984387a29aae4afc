package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import io.switchboard.identity.IdentityResolver;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.operations.control.TrafficLog;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry of this node's open connections, by id and by user, and the lifecycle every endpoint shares:
 * open (identify, apply limits, register), error (error frame or close), close (deregister exactly once).
 * Endpoints call it and stay thin.
 */
@ApplicationScoped
public class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());
    private static final String KEY = Connection.class.getName();

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final AtomicBoolean sendPathLogged = new AtomicBoolean();

    @Inject
    SwitchboardConfig config;

    @Inject
    IdentityResolver identities;

    @Inject
    Workers workers;

    @Inject
    Drain drain;

    @Inject
    UserLimits userLimits;

    @Inject
    Event<ConnectionOpened> opened;

    @Inject
    Event<ConnectionClosed> closed;

    @Inject
    Metrics metrics;

    @Inject
    Ticker ticker;

    private Meters meters;

    @PostConstruct
    void init() {
        meters = metrics.meters();
        meters.usersOnline(byUser::size);
    }

    /**
     * Identifies and registers a newly opened session and applies the frame checks ({@link FrameGuard}), message size
     * and connection limits.
     *
     * @return the connection, or empty when it was refused (and is being closed with 1008, 1013 when this node
     *         has as many connections as it accepts, or 1012 while it drains; see {@link #refuse})
     */
    public Optional<Connection> open(Session session) {
        if (drain.draining()) {
            refuse(session, Meters.Refusal.DRAINING, drain.reason());
            return Optional.empty();
        }
        FrameScanner scanner =
                FrameGuard.onOpen(session, config.maxTextMessageBytes(), reason -> refuseFrames(session, reason));
        session.setMaxTextMessageBufferSize(config.maxTextMessageBytes());
        session.setMaxBinaryMessageBufferSize(config.maxBinaryMessageBytes());
        session.setMaxIdleTimeout(0); // the heartbeat decides when a silent connection is dead
        Identity identity;
        try {
            identity = identities.resolve(session);
        } catch (IdentityResolver.Refusal refusal) {
            refuse(session, Meters.Refusal.CREDENTIAL, Close.POLICY_VIOLATION.reason(refusal.getMessage()));
            return Optional.empty();
        }
        if (byId.size() >= config.maxConnections()) {
            refuse(
                    session,
                    Meters.Refusal.CONNECTION_LIMIT,
                    Close.TRY_AGAIN_LATER.reason("this server has reached its connection limit"));
            return Optional.empty();
        }
        if (!userLimits.tryOpen(
                identity.userId(), session.getId(), ofUser(identity.userId()).size())) {
            refuse(
                    session,
                    Meters.Refusal.USER_CONNECTION_LIMIT,
                    Close.POLICY_VIOLATION.reason(
                            "too many connections for this user (limit " + config.connectionsPerUser() + ")"));
            return Optional.empty();
        }
        FrameSender sender = FrameSender.of(session);
        if (sendPathLogged.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "Switchboard sends WebSocket frames through {0}", sender.path());
        }
        int endpoint = endpoint(session);
        Connection connection = new Connection(
                session,
                identity,
                sender,
                workers.nextSendLoop(),
                workers.handlers(),
                new Connection.Limits(
                        config.maxPendingFrames(),
                        config.maxStrikes(),
                        config.maxDropped(),
                        config.strikeWindow(),
                        config.messagesPerSecond(),
                        ticker),
                new Traffic(endpoint, meters, RemoteAddress.of(session), scanner));
        session.getUserProperties().put(KEY, connection);
        byId.put(connection.id(), connection);
        byUser.computeIfAbsent(identity.userId(), u -> ConcurrentHashMap.newKeySet())
                .add(connection);
        meters.opened(endpoint);
        TrafficLog.opened(
                connection.id(), identity.userId(), Meters.ENDPOINTS.get(endpoint), connection.traffic().remote);
        connection.send(Json.write(new WelcomeFrame(
                "welcome",
                connection.id(),
                identity.userId(),
                config.heartbeatInterval().toSeconds(),
                config.heartbeatTimeout().toSeconds(),
                config.maxTextMessageBytes())));
        opened.fire(new ConnectionOpened(connection));
        return Optional.of(connection);
    }

    /** Closes a session whose client broke the framing rules ({@link FrameGuard}): 1002 or 1009. */
    private void refuseFrames(Session session, CloseReason reason) {
        LOG.log(Level.FINE, "Connection {0} refused: {1}", new Object[] {session.getId(), reason.getReasonPhrase()});
        of(session).ifPresentOrElse(connection -> connection.close(reason), () -> closeQuietly(session, reason));
    }

    /**
     * Closes a session that {@code @OnOpen} refuses (it is not registered): from a send loop, once the container has
     * finished the upgrade request, never from inside {@code @OnOpen} (see {@link UpgradeRequest}). Counted and logged
     * as a refused handshake.
     */
    public void refuse(Session session, Meters.Refusal why, CloseReason reason) {
        meters.refused(why);
        TrafficLog.refused(
                Meters.ENDPOINTS.get(endpoint(session)),
                RemoteAddress.of(session),
                why.tag(),
                reason.getReasonPhrase());
        FrameSender sender = FrameSender.of(session);
        UpgradeRequest.thenClose(session, workers.nextSendLoop(), () -> {
            if (!sender.closeConnection(reason)) {
                closeQuietly(session, reason);
            }
        });
    }

    /** The registered connection of a session, if it was accepted and is not yet closed. */
    public Optional<Connection> of(Session session) {
        return Optional.ofNullable((Connection) session.getUserProperties().get(KEY));
    }

    /**
     * Deregisters the session's connection, once, and tells observers. The close counts as the server's when this side
     * had decided to close, with the code it closed with; otherwise as the client's, with the client's code (1006 when
     * the connection broke without a Close frame).
     */
    public void closed(Session session, CloseReason reason) {
        Connection connection = (Connection) session.getUserProperties().remove(KEY);
        if (connection != null) {
            CloseReason here = connection.closedHereWith();
            CloseReason used = here != null ? here : reason;
            int code = used == null
                    ? CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode()
                    : used.getCloseCode().getCode();
            deregister(
                    connection,
                    code,
                    used == null ? "" : used.getReasonPhrase(),
                    connection.closingHere() ? Meters.Initiator.SERVER : Meters.Initiator.CLIENT);
        }
    }

    /** Closes a connection and deregisters it at once, without waiting for the container to report the close. */
    void forget(Connection connection, Close why) {
        forget(connection, why.reason());
    }

    private void forget(Connection connection, CloseReason reason) {
        connection.close(reason);
        connection.session().getUserProperties().remove(KEY);
        deregister(connection, reason.getCloseCode().getCode(), reason.getReasonPhrase(), Meters.Initiator.SERVER);
    }

    private void deregister(Connection connection, int code, String reason, Meters.Initiator initiator) {
        if (byId.remove(connection.id()) == null) {
            return;
        }
        FrameGuard.afterClose(connection.session());
        Traffic traffic = connection.traffic();
        meters.closed(traffic.endpoint, code, initiator);
        TrafficLog.closed(new TrafficLog.Closed(
                connection.id(),
                connection.userId(),
                Meters.ENDPOINTS.get(traffic.endpoint),
                traffic.remote,
                (System.nanoTime() - traffic.openedNanos) / 1_000_000,
                traffic.framesIn(),
                traffic.bytesIn(),
                traffic.framesOut(),
                traffic.bytesOut(),
                code,
                initiator.name().toLowerCase(java.util.Locale.ROOT),
                reason));
        boolean[] last = {false};
        byUser.computeIfPresent(connection.userId(), (user, set) -> {
            set.remove(connection);
            last[0] = set.isEmpty();
            return last[0] ? null : set;
        });
        userLimits.closed(connection.userId(), connection.id(), last[0]);
        closed.fire(new ConnectionClosed(connection, code));
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
            connection.process(() -> handle(connection, handler));
        });
    }

    private void handle(Connection connection, Consumer<Connection> handler) {
        try {
            handler.accept(connection);
        } catch (InvalidMessage e) {
            connection.reject(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Handling a message of " + connection + " failed", e);
            connection.sendError(new InvalidMessage(
                    ErrorCode.INTERNAL_ERROR, "the server could not process the message; it was not accepted"));
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
                c -> c.close(Close.INTERNAL_ERROR), () -> closeQuietly(session, Close.INTERNAL_ERROR.reason()));
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
        Connection connection = byId.get(connectionId);
        if (connection == null) {
            return false;
        }
        forget(connection, why);
        return true;
    }

    public Collection<Connection> all() {
        return List.copyOf(byId.values());
    }

    public Collection<Connection> ofUser(String userId) {
        Set<Connection> set = byUser.get(userId);
        return set == null ? List.of() : List.copyOf(set);
    }

    @PreDestroy
    void shutdown() {
        byId.values().forEach(c -> c.close(Close.GOING_AWAY));
    }

    /** Which endpoint a session is on, as an index of {@link Meters#ENDPOINTS}. */
    private static int endpoint(Session session) {
        java.net.URI uri = session.getRequestURI();
        return Meters.endpointOf(uri == null ? null : uri.getPath());
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

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Close of {0} failed: {1}", new Object[] {session.getId(), e});
        }
    }
}
