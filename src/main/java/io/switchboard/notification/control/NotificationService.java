package io.switchboard.notification.control;

import io.switchboard.notification.boundary.NotificationCodec;
import io.switchboard.notification.boundary.NotificationCommand;
import io.switchboard.notification.boundary.NotificationEvent;
import io.switchboard.websocket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Carries out what a client sends on {@code /ws/notifications}. */
@ApplicationScoped
public class NotificationService {

    @Inject
    Inbox inbox;

    public void handle(Connection connection, NotificationCommand command) {
        String user = connection.userId();
        if (command instanceof NotificationCommand.Read read) {
            inbox.markRead(user, read.seq());
        } else if (command instanceof NotificationCommand.ReadAll) {
            inbox.markAllRead(user);
        } else if (command instanceof NotificationCommand.Subscribe subscribe) {
            connection.send(NotificationCodec.encode(
                    new NotificationEvent.Subscribed(subscribe.topic(), inbox.subscribe(user, subscribe.topic()))));
        } else if (command instanceof NotificationCommand.Unsubscribe unsubscribe) {
            connection.send(NotificationCodec.encode(
                    new NotificationEvent.Unsubscribed(unsubscribe.topic(), inbox.unsubscribe(user, unsubscribe.topic()))));
        } else if (command instanceof NotificationCommand.Ping ping) {
            connection.send(NotificationCodec.encode(new NotificationEvent.Pong(ping.ref())));
        }
    }
}
