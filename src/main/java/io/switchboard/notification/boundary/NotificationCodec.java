package io.switchboard.notification.boundary;

import io.switchboard.websocket.TextCodec;

/** The notification protocol's JSON-B codecs. */
public final class NotificationCodec {

    public static final TextCodec<NotificationCommand> COMMANDS = new TextCodec<>(NotificationCommand.class);
    public static final TextCodec<NotificationEvent> EVENTS = new TextCodec<>(NotificationEvent.class);

    private NotificationCodec() {
    }

    public static String encode(NotificationEvent event) {
        return EVENTS.encode(event);
    }

    public static class Decoder extends TextCodec.TextDecoder<NotificationCommand> {
        public Decoder() {
            super(COMMANDS);
        }
    }
}
