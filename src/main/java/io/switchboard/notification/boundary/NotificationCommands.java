package io.switchboard.notification.boundary;

import io.switchboard.notification.control.Inbox;
import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.websocket.CommandHandlers;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.TextInbound;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;

/**
 * Decodes and carries out what a client sends on {@code /ws/notifications} (and its event stream), for the
 * connection's user. There is one handler per
 * command type; {@code NotificationCommandsTest} checks that every type of the sealed interface has one.
 */
@ApplicationScoped
public class NotificationCommands {

    static final CommandHandlers<Inbox, NotificationCommand> HANDLERS = new CommandHandlers<
                    Inbox, NotificationCommand>()
            .on(NotificationCommand.Read.class, (inbox, c, read) -> {
                if (!inbox.markRead(c.userId(), read.seq())) {
                    unchanged(inbox, c, new NotificationEvent.Read(read.seq(), false));
                }
            })
            .on(NotificationCommand.ReadAll.class, (inbox, c, all) -> {
                if (!inbox.markAllRead(c.userId())) {
                    unchanged(inbox, c, new NotificationEvent.Read(null, true));
                }
            })
            .on(
                    NotificationCommand.Subscribe.class,
                    (inbox, c, sub) -> c.send(NotificationCodec.encode(
                            new NotificationEvent.Subscribed(sub.topic(), inbox.subscribe(c.userId(), sub.topic())))))
            .on(
                    NotificationCommand.Unsubscribe.class,
                    (inbox, c, unsub) -> c.send(NotificationCodec.encode(new NotificationEvent.Unsubscribed(
                            unsub.topic(), inbox.unsubscribe(c.userId(), unsub.topic())))))
            .on(
                    NotificationCommand.Ping.class,
                    (inbox, c, ping) -> c.send(NotificationCodec.encode(new NotificationEvent.Pong(ping.ref()))));

    /**
     * A {@code read} or {@code readAll} that changed nothing (already read) is still answered, on its own connection
     * only: {@code read} and {@code unread}, as a change would be on all of the user's connections.
     */
    private static void unchanged(Inbox inbox, Connection connection, NotificationEvent.Read read) {
        connection.send(NotificationCodec.encode(read));
        connection.send(NotificationCodec.encode(new NotificationEvent.Unread(inbox.unread(connection.userId()))));
    }

    @Inject
    Inbox inbox;

    @Inject
    Connections connections;

    private TextInbound<NotificationCommand> inbound;

    @PostConstruct
    void init() {
        inbound = connections.inbound(NotificationCodec.COMMANDS, "notifications", this::dispatch);
    }

    /** A client's text frame: decoded and handled in order with its connection's others, or refused. */
    public void receive(Session session, String text) {
        inbound.accept(session, text);
    }

    void dispatch(Connection connection, NotificationCommand command) {
        HANDLERS.dispatch(inbox, connection, command);
    }
}
