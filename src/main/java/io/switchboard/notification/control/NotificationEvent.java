package io.switchboard.notification.control;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.time.Instant;
import java.util.List;

/** What the server sends on {@code /ws/notifications} after {@code welcome}. */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "notification", type = NotificationEvent.Notification.class),
            @JsonbSubtype(alias = "replayed", type = NotificationEvent.Replayed.class),
            @JsonbSubtype(alias = "unread", type = NotificationEvent.Unread.class),
            @JsonbSubtype(alias = "read", type = NotificationEvent.Read.class),
            @JsonbSubtype(alias = "subscribed", type = NotificationEvent.Subscribed.class),
            @JsonbSubtype(alias = "unsubscribed", type = NotificationEvent.Unsubscribed.class),
            @JsonbSubtype(alias = "pong", type = NotificationEvent.Pong.class)
        })
public sealed interface NotificationEvent {

    /** One notification, at position {@code seq} of the user's stream. */
    record Notification(
            long seq,
            long id,
            String title,
            String body,
            String link,
            String category,
            String severity,
            Instant createdAt,
            Instant expiresAt,
            boolean read)
            implements NotificationEvent {}

    /** Everything after the client's {@code since} has been sent; live notifications follow. */
    record Replayed(long lastSeq, long unread) implements NotificationEvent {}

    /** The user's unread count changed. */
    record Unread(long count) implements NotificationEvent {}

    /** Notifications were marked read (on any of the user's connections or over REST): one {@code seq}, or all. */
    record Read(Long seq, boolean all) implements NotificationEvent {}

    record Subscribed(String topic, List<String> topics) implements NotificationEvent {}

    record Unsubscribed(String topic, List<String> topics) implements NotificationEvent {}

    record Pong(String ref) implements NotificationEvent {}
}
