package io.switchboard.protocol;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Field rules of the chat protocol as Bean Validation constraints, shared by the WebSocket commands, the
 * notification requests and the REST resources. A rule accepts {@code null}: put {@code @NotNull} beside it where
 * the field is required.
 */
public final class Fields {

    /** Longest chat text, in characters (UTF-16 code units, as {@link String#length()} counts). */
    public static final int MAX_TEXT = 4_000;
    /** Room names: a letter or digit, then letters, digits, '.', '-' or '_', 64 characters at most. */
    public static final String ROOM_REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    /** User names: 1-32 letters, digits, '.', '-' or '_' (any script); the handshake and tokens apply the same rule. */
    public static final String USER_NAME_REGEX = "[\\p{L}\\p{N}._-]{1,32}";
    /** {@link #USER_NAME_REGEX}, compiled. */
    public static final java.util.regex.Pattern USER_NAME = java.util.regex.Pattern.compile(USER_NAME_REGEX);
    /** Client message ids: 1-64 letters, digits, '.', ':', '-' or '_'. */
    public static final String CLIENT_ID_REGEX = "[A-Za-z0-9.:_-]{1,64}";

    public static final String ROOM_RULE =
            "must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit";
    public static final String USER_NAME_RULE = "must be 1-32 letters, digits, '.', '-' or '_'";
    public static final String CLIENT_ID_RULE = "must be 1-64 letters, digits, '.', ':', '-' or '_'";
    public static final String PAGE_LIMIT_RULE = "must be between 1 and 200";
    public static final String TEXT_LENGTH_RULE = "must be at most " + MAX_TEXT + " characters";

    private Fields() {}

    /** A room (or topic) name: {@link #ROOM_REGEX}. */
    @Documented
    @Constraint(validatedBy = {})
    @Pattern(regexp = ROOM_REGEX, message = ROOM_RULE)
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    public @interface RoomName {
        String message() default ROOM_RULE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A user name, as the handshake accepts it: {@link #USER_NAME_REGEX}. */
    @Documented
    @Constraint(validatedBy = {})
    @Pattern(regexp = USER_NAME_REGEX, message = USER_NAME_RULE)
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    public @interface UserName {
        String message() default USER_NAME_RULE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A client's own message id: {@link #CLIENT_ID_REGEX}. */
    @Documented
    @Constraint(validatedBy = {})
    @Pattern(regexp = CLIENT_ID_REGEX, message = CLIENT_ID_RULE)
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    public @interface ClientId {
        String message() default CLIENT_ID_RULE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** The text of a chat or direct message: not blank, at most {@link #MAX_TEXT} characters, plain text. */
    @Documented
    @Constraint(validatedBy = {})
    @NotBlank(message = "must not be blank")
    @Size(max = MAX_TEXT, message = TEXT_LENGTH_RULE)
    @PlainText
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    public @interface ChatText {
        String message() default TEXT_LENGTH_RULE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** How many items one page of history or inbox may ask for: 1 to 200. */
    @Documented
    @Constraint(validatedBy = {})
    @Min(value = 1, message = PAGE_LIMIT_RULE)
    @Max(value = 200, message = PAGE_LIMIT_RULE)
    @Target({FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    public @interface PageLimit {
        String message() default PAGE_LIMIT_RULE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }
}
