package io.switchboard.notification.control;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.PlainText;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;

/**
 * A notification to publish, over REST ({@code POST /api/notifications}) or from application code through
 * {@link NotificationPublisher}. Exactly one audience: {@code user}, {@code users}, {@code topic} or
 * {@code everyone}. The publisher checks the constraints ({@link #validate()}) before anything is stored.
 */
@NotificationRequest.OneAudience
public record NotificationRequest(
        @Fields.UserName String user,

        @Size(min = 1, max = 1000, message = "must name 1 to 1000 users")
        List<@NotNull(message = "must not contain null") @Fields.UserName String> users,

        @Fields.RoomName String topic,
        Boolean everyone,

        @NotBlank(message = "must be 1-200 characters")
        @Size(max = 200, message = "must be 1-200 characters")
        @PlainText(multiline = false)
        String title,

        @Size(max = Fields.MAX_TEXT, message = Fields.TEXT_LENGTH_RULE) @PlainText
        String body,

        @Link @PlainText(multiline = false) String link,

        @Pattern(regexp = Fields.ROOM_REGEX, message = "must be 1-64 letters, digits, '.', '-' or '_'")
        String category,

        @Pattern(regexp = "info|success|warning|error", message = "must be one of [error, info, success, warning]")
        String severity,

        @Future(message = "must be in the future") Instant expiresAt) {

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
        return new NotificationRequest(
                user, users, topic, everyone, title, body, newLink, category, severity, expiresAt);
    }

    public NotificationRequest withCategory(String newCategory, String newSeverity) {
        return new NotificationRequest(
                user, users, topic, everyone, title, body, link, newCategory, newSeverity, expiresAt);
    }

    public NotificationRequest expiringAt(Instant at) {
        return new NotificationRequest(user, users, topic, everyone, title, body, link, category, severity, at);
    }

    /** The severity, {@code info} when none was given. */
    public String severityOrDefault() {
        return severity == null ? "info" : severity;
    }

    /** Checks every field; throws {@link InvalidMessage} naming the first one that is wrong. */
    public void validate() {
        Constraints.check(this);
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

    /** Exactly one of {@code user}, {@code users}, {@code topic} or {@code everyone: true}; reported on {@code user}. */
    @Documented
    @Constraint(validatedBy = OneAudience.Check.class)
    @Target(TYPE)
    @Retention(RUNTIME)
    public @interface OneAudience {
        String message() default "(the audience) must be exactly one of 'user', 'users', 'topic' or 'everyone'";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        /** Checks {@link OneAudience}. */
        class Check implements ConstraintValidator<OneAudience, NotificationRequest> {
            @Override
            public boolean isValid(NotificationRequest request, ConstraintValidatorContext context) {
                if (request == null) {
                    return true;
                }
                int audiences = (request.user() != null ? 1 : 0)
                        + (request.users() != null ? 1 : 0)
                        + (request.topic() != null ? 1 : 0)
                        + (Boolean.TRUE.equals(request.everyone()) ? 1 : 0);
                if (audiences == 1) {
                    return true;
                }
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                        .addPropertyNode("user")
                        .addConstraintViolation();
                return false;
            }
        }
    }

    /**
     * A link a browser may open: an absolute {@code http(s)} URL with a host, or a path on this site starting with a
     * single {@code '/'}; at most 2000 characters, and a valid URI (no spaces, backslashes or control characters).
     */
    @Documented
    @Constraint(validatedBy = Link.Check.class)
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE})
    @Retention(RUNTIME)
    public @interface Link {
        String message() default
                "must be an http(s) URL or a path starting with '/' (a valid URI of at most 2000 characters)";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        /** Checks {@link Link}. */
        class Check implements ConstraintValidator<Link, String> {
            @Override
            public boolean isValid(String value, ConstraintValidatorContext context) {
                return value == null || isLink(value);
            }
        }
    }

    static boolean isLink(String value) {
        if (value.isEmpty() || value.length() > 2000) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getScheme() == null) {
            return value.startsWith("/") && uri.getRawAuthority() == null;
        }
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    }
}
