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
 * The chat endpoint, one instance per connection: decode, hand to {@link ChatCommands}, done. Frames go out as text
 * encoded by {@link ChatCodec}, so no WebSocket encoder is registered.
 */
@ServerEndpoint(
        value = "/ws/chat",
        subprotocols = Protocol.V1,
        decoders = ChatCodec.Decoder.class,
        configurator = Handshake.class)
public class ChatEndpoint {

    @Inject
    Connections connections;

    @Inject
    ChatCommands commands;

    @OnOpen
    public void open(Session session) {
        connections.open(session);
    }

    @OnMessage
    public void command(Session session, ChatCommand command) {
        connections.onMessage(session, command, connection -> commands.dispatch(connection, command));
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
