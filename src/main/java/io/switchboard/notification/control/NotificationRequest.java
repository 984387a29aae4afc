package io.switchboard.notification.control;

import io.switchboard.chat.boundary.Fields;
import io.switchboard.websocket.InvalidMessage;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A notification to publish, over REST ({@code POST /api/notifications}) or from application code through
 * {@link NotificationPublisher}. Exactly one audience: {@code user}, {@code users}, {@code topic} or
 * {@code everyone}.
 */
public record NotificationRequest(String user, List<String> users, String topic, Boolean everyone, String title,
        String body, String link, String category, String severity, Instant expiresAt) {

    public static final Set<String> SEVERITIES = Set.of("info", "success", "warning", "error");

    public static NotificationRequest toUser(String user, String title, String body) {
        return new NotificationRequest(user, null, null, null, title, body, null, null, null, null);
    }

    public static NotificationRequest toUsers(List<String> users, String title, String body) {
        return new NotificationRequest(null, users, null, null, title, body, null, null, null, null);
    }

    public static NotificationRequest toTopic(String topic, String title, String body) {
        return new NotificationRequest(null, null, topic, null, title, body, null, null, null, null);
    }

    public static NotificationRequest toEveryone(String title, String body) {
        return new NotificationRequest(null, null, null, true, title, body, null, null, null, null);
    }

    public NotificationRequest withLink(String newLink) {
        return new NotificationRequest(user, users, topic, everyone, title, body, newLink, category, severity, expiresAt);
    }

    public NotificationRequest withCategory(String newCategory, String newSeverity) {
        return new NotificationRequest(user, users, topic, everyone, title, body, link, newCategory, newSeverity, expiresAt);
    }

    public NotificationRequest expiringAt(Instant at) {
        return new NotificationRequest(user, users, topic, everyone, title, body, link, category, severity, at);
    }

    /** The severity, {@code info} when none was given. */
    public String severityOrDefault() {
        return severity == null ? "info" : severity;
    }

    /** Checks every field; throws {@link InvalidMessage} naming the first one that is wrong. */
    public void validate(Instant now) {
        int audiences = (user != null ? 1 : 0) + (users != null ? 1 : 0) + (topic != null ? 1 : 0)
                + (Boolean.TRUE.equals(everyone) ? 1 : 0);
        if (audiences != 1) {
            throw InvalidMessage.invalid("user", "exactly one of 'user', 'users', 'topic' or 'everyone' must be given");
        }
        if (user != null) {
            Fields.user("user", user);
        }
        if (users != null) {
            if (users.isEmpty() || users.size() > 1000) {
                throw InvalidMessage.invalid("users", "must name 1 to 1000 users");
            }
            users.forEach(u -> Fields.user("users", u));
        }
        if (topic != null) {
            Fields.room("topic", topic);
        }
        Fields.required("title", title);
        if (title.isBlank() || title.length() > 200) {
            throw InvalidMessage.invalid("title", "must be 1-200 characters");
        }
        if (body != null && body.length() > Fields.MAX_TEXT) {
            throw InvalidMessage.invalid("body", "must be at most " + Fields.MAX_TEXT + " characters");
        }
        if (link != null && !isLink(link)) {
            throw InvalidMessage.invalid("link", "must be an http(s) URL or a path starting with '/'");
        }
        if (category != null && !Fields.ROOM.matcher(category).matches()) {
            throw InvalidMessage.invalid("category", "must be 1-64 letters, digits, '.', '-' or '_'");
        }
        if (severity != null && !SEVERITIES.contains(severity)) {
            throw InvalidMessage.invalid("severity", "must be one of " + SEVERITIES.stream().sorted().toList());
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw InvalidMessage.invalid("expiresAt", "must be in the future");
        }
    }

    /** How the audience is recorded with the notification. */
    String audience() {
        if (user != null) {
            return "user:" + user;
        }
        if (users != null) {
            return "users:" + users.size();
        }
        return topic != null ? "topic:" + topic : "everyone";
    }

    private static boolean isLink(String value) {
        if (value.length() > 2000) {
            return false;
        }
        if (value.startsWith("/") && !value.startsWith("//")) {
            return true;
        }
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
