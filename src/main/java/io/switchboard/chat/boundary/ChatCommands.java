package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.chat.control.ChatService;
import io.switchboard.websocket.CommandHandlers;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.TextInbound;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;

/**
 * Decodes what clients send on {@code /ws/chat} (and its event stream) and dispatches each {@link ChatCommand} to the
 * {@link ChatService}. There is one handler per command type; {@code ChatCommandsTest} checks that every type of the
 * sealed interface has one.
 */
@ApplicationScoped
public class ChatCommands {

    static final CommandHandlers<ChatService, ChatCommand> HANDLERS = new CommandHandlers<ChatService, ChatCommand>()
            .on(ChatCommand.Join.class, (chat, c, join) -> chat.join(c, join.room(), join.since()))
            .on(ChatCommand.Leave.class, (chat, c, leave) -> chat.leave(c, leave.room()))
            .on(ChatCommand.Post.class, (chat, c, post) -> chat.post(c, post.room(), post.text(), post.clientId()))
            .on(ChatCommand.Typing.class, (chat, c, typing) -> chat.typing(c, typing.room(), typing.active()))
            .on(ChatCommand.Direct.class, (chat, c, dm) -> chat.direct(c, dm.to(), dm.text(), dm.clientId()))
            .on(ChatCommand.History.class, (chat, c, page) -> chat.history(c, page.room(), page.before(), page.limit()))
            .on(ChatCommand.Members.class, (chat, c, page) -> chat.members(c, page.room(), page.after(), page.limit()))
            .on(ChatCommand.Ping.class, (chat, c, ping) -> c.send(ChatCodec.encode(new ChatEvent.Pong(ping.ref()))));

    @Inject
    ChatService chat;

    @Inject
    Connections connections;

    private TextInbound<ChatCommand> inbound;

    @PostConstruct
    void init() {
        inbound = connections.inbound(ChatCodec.COMMANDS, "chat", this::dispatch);
    }

    /** A client's text frame: decoded and handled in order with its connection's others, or refused. */
    public void receive(Session session, String text) {
        inbound.accept(session, text);
    }

    void dispatch(Connection connection, ChatCommand command) {
        HANDLERS.dispatch(chat, connection, command);
    }
}
