package io.switchboard.notification.boundary;

import io.switchboard.notification.control.Inbox;
import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.websocket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Carries out what a client sends on {@code /ws/notifications}. There is one handler per command type;
 * {@code NotificationCommandsTest} checks that every type of the sealed interface has one.
 */
@ApplicationScoped
public class NotificationCommands {

    /** How one command type is carried out for the connection's user. */
    @FunctionalInterface
    interface Handler<C extends NotificationCommand> {
        void handle(Inbox inbox, Connection connection, C command);
    }

    static final Map<Class<? extends NotificationCommand>, Handler<?>> HANDLERS = Map.of(
            NotificationCommand.Read.class,
                    (Handler<NotificationCommand.Read>) (inbox, c, read) -> inbox.markRead(c.userId(), read.seq()),
            NotificationCommand.ReadAll.class,
                    (Handler<NotificationCommand.ReadAll>) (inbox, c, all) -> inbox.markAllRead(c.userId()),
            NotificationCommand.Subscribe.class,
                    (Handler<NotificationCommand.Subscribe>) (inbox, c, subscribe) ->
                            c.send(NotificationCodec.encode(new NotificationEvent.Subscribed(
                                    subscribe.topic(), inbox.subscribe(c.userId(), subscribe.topic())))),
            NotificationCommand.Unsubscribe.class,
                    (Handler<NotificationCommand.Unsubscribe>) (inbox, c, unsubscribe) ->
                            c.send(NotificationCodec.encode(new NotificationEvent.Unsubscribed(
                                    unsubscribe.topic(), inbox.unsubscribe(c.userId(), unsubscribe.topic())))),
            NotificationCommand.Ping.class,
                    (Handler<NotificationCommand.Ping>) (inbox, c, ping) ->
                            c.send(NotificationCodec.encode(new NotificationEvent.Pong(ping.ref()))));

    @Inject
    Inbox inbox;

    @SuppressWarnings("unchecked")
    public void dispatch(Connection connection, NotificationCommand command) {
        Handler<NotificationCommand> handler = (Handler<NotificationCommand>) HANDLERS.get(command.getClass());
        if (handler == null) {
            throw new IllegalStateException(
                    "no handler for " + command.getClass().getName());
        }
        handler.handle(inbox, connection, command);
    }
}
