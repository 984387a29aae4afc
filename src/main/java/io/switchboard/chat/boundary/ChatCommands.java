package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.chat.control.ChatService;
import io.switchboard.websocket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Dispatches each decoded {@link ChatCommand} to the {@link ChatService}. There is one handler per command type;
 * {@code ChatCommandsTest} checks that every type of the sealed interface has one, so a new command cannot be
 * silently ignored.
 */
@ApplicationScoped
public class ChatCommands {

    /** How one command type is carried out. */
    @FunctionalInterface
    interface Handler<C extends ChatCommand> {
        void handle(ChatService chat, Connection connection, C command);
    }

    static final Map<Class<? extends ChatCommand>, Handler<?>> HANDLERS = Map.of(
            ChatCommand.Join.class, (Handler<ChatCommand.Join>) (chat, c, join) -> chat.join(c, join.room()),
            ChatCommand.Leave.class, (Handler<ChatCommand.Leave>) (chat, c, leave) -> chat.leave(c, leave.room()),
            ChatCommand.Post.class,
                    (Handler<ChatCommand.Post>)
                            (chat, c, post) -> chat.post(c, post.room(), post.text(), post.clientId()),
            ChatCommand.Typing.class,
                    (Handler<ChatCommand.Typing>) (chat, c, typing) -> chat.typing(c, typing.room(), typing.active()),
            ChatCommand.Direct.class,
                    (Handler<ChatCommand.Direct>)
                            (chat, c, direct) -> chat.direct(c, direct.to(), direct.text(), direct.clientId()),
            ChatCommand.History.class,
                    (Handler<ChatCommand.History>)
                            (chat, c, page) -> chat.history(c, page.room(), page.before(), page.limit()),
            ChatCommand.Ping.class,
                    (Handler<ChatCommand.Ping>)
                            (chat, c, ping) -> c.send(ChatCodec.encode(new ChatEvent.Pong(ping.ref()))));

    @Inject
    ChatService chat;

    @SuppressWarnings("unchecked")
    public void dispatch(Connection connection, ChatCommand command) {
        Handler<ChatCommand> handler = (Handler<ChatCommand>) HANDLERS.get(command.getClass());
        if (handler == null) {
            throw new IllegalStateException(
                    "no handler for " + command.getClass().getName());
        }
        handler.handle(chat, connection, command);
    }
}
