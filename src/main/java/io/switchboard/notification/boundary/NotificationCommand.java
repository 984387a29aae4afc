package io.switchboard.notification.boundary;

import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.PlainText;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * What a client sends on {@code /ws/notifications}. The constraints on the components are checked when a message
 * is decoded ({@link io.switchboard.websocket.TextCodec}).
 */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "read", type = NotificationCommand.Read.class),
            @JsonbSubtype(alias = "readAll", type = NotificationCommand.ReadAll.class),
            @JsonbSubtype(alias = "subscribe", type = NotificationCommand.Subscribe.class),
            @JsonbSubtype(alias = "unsubscribe", type = NotificationCommand.Unsubscribe.class),
            @JsonbSubtype(alias = "ping", type = NotificationCommand.Ping.class)
        })
public sealed interface NotificationCommand extends ClientMessage {

    /** {@code {"type":"read","seq":12}}: mark one notification read. */
    record Read(
            @NotNull @Positive(message = "must be a positive sequence number")
            Long seq) implements NotificationCommand {}

    /** {@code {"type":"readAll"}}: mark every notification read. */
    record ReadAll(
            @Size(max = 64, message = "must be at most 64 characters") @PlainText(multiline = false)
            String ref) implements NotificationCommand {}

    /** {@code {"type":"subscribe","topic":"deploys"}}: receive the topic's notifications from now on. */
    record Subscribe(@NotNull @Fields.RoomName String topic) implements NotificationCommand {}

    /** {@code {"type":"unsubscribe","topic":"deploys"}}. */
    record Unsubscribe(@NotNull @Fields.RoomName String topic) implements NotificationCommand {}

    /** {@code {"type":"ping"}}: answered with {@code pong}. */
    record Ping(
            @Size(max = 64, message = "must be at most 64 characters") @PlainText(multiline = false)
            String ref) implements NotificationCommand {}
}
