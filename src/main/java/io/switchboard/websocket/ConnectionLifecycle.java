package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import io.switchboard.identity.IdentityResolver;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.operations.control.TrafficLog;
import io.switchboard.protocol.Json;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a connection begins and ends on this node: admission (drain, identity, the node's and the user's connection
 * limits, frame checks), registration and welcome; refusal; and deregistration, exactly once, with its meters,
 * traffic-log line, user limits and {@link ConnectionClosed} event. {@link Connections} is the endpoints' entry.
 */
@ApplicationScoped
public class ConnectionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConnectionLifecycle.class.getName());
    private static final String KEY = Connection.class.getName();

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
    ConnectionRegistry registry;

    @Inject
    Event<ConnectionOpened> opened;

    @Inject
    Event<ConnectionClosed> closed;

    @Inject
    Metrics metrics;

    @Inject
    Ticker ticker;

    private Meters meters;
    /** The limits of every connection: one object shared by all of them. */
    private Connection.Limits limits;

    @PostConstruct
    void init() {
        meters = metrics.meters();
        limits = new Connection.Limits(
                config.maxPendingFrames(),
                config.maxStrikes(),
                config.maxDropped(),
                config.strikeWindow(),
                config.messagesPerSecond(),
                ticker);
    }

    /** The registered connection of a session, or null when it was refused or is closed. */
    static Connection attached(Session session) {
        return (Connection) session.getUserProperties().get(KEY);
    }

    /** Forgets the session's connection; returns it, or null when there was none (any more). */
    static Connection detach(Session session) {
        return (Connection) session.getUserProperties().remove(KEY);
    }

    /** See {@link Connections#open(Session)}. */
    Optional<Connection> open(Session session) {
        if (drain.draining()) {
            refuse(session, Meters.Refusal.DRAINING, drain.reason());
            return Optional.empty();
        }
        FrameScanner scanner =
                FrameGuard.onOpen(session, config.maxTextMessageBytes(), reason -> refuseFrames(session, reason));
        session.setMaxTextMessageBufferSize(config.maxTextMessageBytes());
        session.setMaxBinaryMessageBufferSize(config.maxBinaryMessageBytes());
        TyrusIdleTimeout.skipNoOpTasks(session); // Payara: no task per message for the idle timeout that is off
        session.setMaxIdleTimeout(0); // the heartbeat decides when a silent connection is dead
        Identity identity;
        try {
            identity = identities.resolve(session);
        } catch (IdentityResolver.Refusal refusal) {
            refuse(session, Meters.Refusal.CREDENTIAL, Close.POLICY_VIOLATION.reason(refusal.getMessage()));
            return Optional.empty();
        }
        if (registry.size() >= config.maxConnections()) {
            refuse(
                    session,
                    Meters.Refusal.CONNECTION_LIMIT,
                    Close.TRY_AGAIN_LATER.reason("this server has reached its connection limit"));
            return Optional.empty();
        }
        if (!userLimits.tryOpen(
                identity.userId(),
                session.getId(),
                registry.ofUser(identity.userId()).size())) {
            refuse(
                    session,
                    Meters.Refusal.USER_CONNECTION_LIMIT,
                    Close.POLICY_VIOLATION.reason(
                            "too many connections for this user (limit " + config.connectionsPerUser() + ")"));
            return Optional.empty();
        }
        TyrusUpgradeHandler.release(session); // Payara: what its upgrade handler keeps but never uses again
        FrameSender sender = FrameSender.of(session);
        if (sendPathLogged.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "Switchboard sends WebSocket frames through {0}", sender.path());
        }
        int endpoint = endpoint(session);
        Connection connection = new Connection(
                session,
                identity,
                sender,
                workers.sendLoopFor(session),
                workers.handlers(),
                limits,
                new Traffic(endpoint, meters, RemoteAddress.of(session), bytesIn(session, scanner)));
        session.getUserProperties().put(KEY, connection);
        registry.add(connection);
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
    private static void refuseFrames(Session session, CloseReason reason) {
        LOG.log(Level.FINE, "Connection {0} refused: {1}", new Object[] {session.getId(), reason.getReasonPhrase()});
        Connection connection = attached(session);
        if (connection != null) {
            connection.close(reason);
        } else {
            closeQuietly(session, reason);
        }
    }

    /** See {@link Connections#refuse(Session, Meters.Refusal, CloseReason)}. */
    void refuse(Session session, Meters.Refusal why, CloseReason reason) {
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

    /** Deregisters a connection, once: counts and logs the close, releases the user's limits, tells observers. */
    void deregister(Connection connection, int code, String reason, Meters.Initiator initiator) {
        ConnectionRegistry.Removed removed = registry.remove(connection);
        if (removed == ConnectionRegistry.Removed.NOT_REGISTERED) {
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
        userLimits.closed(connection.userId(), connection.id(), removed == ConnectionRegistry.Removed.LAST_OF_USER);
        closed.fire(new ConnectionClosed(connection, code));
    }

    /** What counts the bytes a session receives: the session itself (an event stream), else the scanner if any. */
    private static java.util.function.LongSupplier bytesIn(Session session, FrameScanner scanner) {
        if (session instanceof PeerSession peer) {
            return peer::bytesIn;
        }
        return scanner; // null when none counts them
    }

    /** Which endpoint a session is on, as an index of {@link Meters#ENDPOINTS}. */
    private static int endpoint(Session session) {
        java.net.URI uri = session.getRequestURI();
        return Meters.endpointOf(uri == null ? null : uri.getPath());
    }

    static void closeQuietly(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Close of {0} failed: {1}", new Object[] {session.getId(), e});
        }
    }
}
