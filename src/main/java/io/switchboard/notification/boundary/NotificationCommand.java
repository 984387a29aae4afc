package io.switchboard.notification.boundary;

import io.switchboard.chat.boundary.Fields;
import io.switchboard.websocket.InvalidMessage;
import io.switchboard.websocket.TextCodec;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What a client sends on {@code /ws/notifications}. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "read", type = NotificationCommand.Read.class),
        @JsonbSubtype(alias = "readAll", type = NotificationCommand.ReadAll.class),
        @JsonbSubtype(alias = "subscribe", type = NotificationCommand.Subscribe.class),
        @JsonbSubtype(alias = "unsubscribe", type = NotificationCommand.Unsubscribe.class),
        @JsonbSubtype(alias = "ping", type = NotificationCommand.Ping.class)
})
public sealed interface NotificationCommand extends TextCodec.Validated {

    /** {@code {"type":"read","seq":12}}: mark one notification read. */
    record Read(Long seq) implements NotificationCommand {
        @Override
        public void validate() {
            if (Fields.required("seq", seq) < 1) {
                throw InvalidMessage.invalid("seq", "must be a positive sequence number");
            }
        }
    }

    /** {@code {"type":"readAll"}}: mark every notification read. */
    record ReadAll(String ref) implements NotificationCommand {
        @Override
        public void validate() {
            // nothing to check
        }
    }

    /** {@code {"type":"subscribe","topic":"deploys"}}: receive the topic's notifications from now on. */
    record Subscribe(String topic) implements NotificationCommand {
        @Override
        public void validate() {
            Fields.room("topic", topic);
        }
    }

    /** {@code {"type":"unsubscribe","topic":"deploys"}}. */
    record Unsubscribe(String topic) implements NotificationCommand {
        @Override
        public void validate() {
            Fields.room("topic", topic);
        }
    }

    /** {@code {"type":"ping"}}: answered with {@code pong}. */
    record Ping(String ref) implements NotificationCommand {
        @Override
        public void validate() {
            // nothing to check
        }
    }
}
