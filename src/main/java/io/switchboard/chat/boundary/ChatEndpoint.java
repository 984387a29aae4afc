package io.switchboard.chat.boundary;

import io.switchboard.security.boundary.Handshake;
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

/**
 * The chat endpoint, one instance per connection: hand each text frame to {@link ChatCommands}, which decodes and
 * dispatches it, done. Frames go out as text encoded by {@link ChatCodec}, so no WebSocket encoder is registered, and
 * no decoder either: containers make one per session. {@link Handshake} builds the instance (see
 * {@link io.switchboard.websocket.EndpointConfigurator}).
 */
@ServerEndpoint(value = "/ws/chat", subprotocols = Protocol.V1, configurator = Handshake.class)
public class ChatEndpoint {

    private final Connections connections;
    private final ChatCommands commands;

    @Inject
    ChatEndpoint(Connections connections, ChatCommands commands) {
        this.connections = connections;
        this.commands = commands;
    }

    @OnOpen
    public void open(Session session) {
        connections.open(session);
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
