package io.switchboard.notification.boundary;

import io.switchboard.notification.control.NotificationStreams;
import io.switchboard.operations.control.Meters;
import io.switchboard.security.boundary.Handshake;
import io.switchboard.websocket.Close;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.Protocol;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The notification endpoint: {@code /ws/notifications?ticket=…&since=41} replays the user's notifications after
 * sequence 41, then streams new ones. Text frames go to {@link NotificationCommands}, which decodes them (no WebSocket
 * decoder: containers make one per session); {@link Handshake} builds the instance.
 */
@ServerEndpoint(value = "/ws/notifications", subprotocols = Protocol.V1, configurator = Handshake.class)
public class NotificationEndpoint {

    private final Connections connections;
    private final NotificationStreams streams;
    private final NotificationCommands commands;

    @Inject
    NotificationEndpoint(Connections connections, NotificationStreams streams, NotificationCommands commands) {
        this.connections = connections;
        this.streams = streams;
        this.commands = commands;
    }

    @OnOpen
    public void open(Session session) {
        List<String> since = session.getRequestParameterMap().get("since");
        long from;
        try {
            from = since == null || since.isEmpty() ? 0 : Long.parseLong(since.get(0));
        } catch (NumberFormatException e) {
            from = -1;
        }
        if (from < 0) {
            connections.refuse(
                    session,
                    Meters.Refusal.BAD_REQUEST,
                    Close.POLICY_VIOLATION.reason("'since' must be a sequence number (0 or more)"));
            return;
        }
        long after = from;
        connections.open(session).ifPresent(connection -> streams.open(connection, after));
    }

    @OnMessage
    public void text(Session session, String text) {
        commands.receive(session, text);
    }

    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        connections.refuseBinary(session);
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        connections.heard(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable error) {
        connections.error(session, error);
    }
}
