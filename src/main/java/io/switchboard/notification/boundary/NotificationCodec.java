package io.switchboard.notification.boundary;

import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.TextCodec;

/** The notification protocol on the wire: the decoding of what clients send, and the encoding of what they get. */
public final class NotificationCodec {

    public static final TextCodec<NotificationCommand> COMMANDS = new TextCodec<>(NotificationCommand.class);

    private NotificationCodec() {}

    /** An event as its JSON frame, with its {@code type}. */
    public static String encode(NotificationEvent event) {
        return Json.write(event);
    }
}
