package io.switchboard.chat.boundary;

import io.switchboard.identity.HandshakeIdentityResolver;
import io.switchboard.websocket.InvalidMessage;
import java.util.regex.Pattern;

/** Field rules of the chat protocol, shared by the WebSocket commands and the REST resource. */
public final class Fields {

    /** Longest chat text, in characters. */
    public static final int MAX_TEXT = 4_000;
    /** Room names: a letter or digit, then letters, digits, '.', '-' or '_', 64 characters at most. */
    public static final Pattern ROOM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Client message ids: 1-64 letters, digits, '.', ':', '-' or '_'. */
    public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9.:_-]{1,64}");

    private Fields() {
    }

    public static String room(String field, String value) {
        return matching(field, value, ROOM, "must be 1-64 letters, digits, '.', '-' or '_' starting with a letter or digit");
    }

    public static String user(String field, String value) {
        return matching(field, value, HandshakeIdentityResolver.USER_NAME, "must be 1-32 letters, digits, '.', '-' or '_'");
    }

    public static String clientId(String field, String value) {
        return matching(field, value, CLIENT_ID, "must be 1-64 letters, digits, '.', ':', '-' or '_'");
    }

    public static String text(String field, String value) {
        required(field, value);
        if (value.isBlank()) {
            throw InvalidMessage.invalid(field, "must not be blank");
        }
        if (value.length() > MAX_TEXT) {
            throw InvalidMessage.invalid(field, "must be at most " + MAX_TEXT + " characters");
        }
        return value;
    }

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw InvalidMessage.missing(field);
        }
        return value;
    }

    private static String matching(String field, String value, Pattern pattern, String rule) {
        required(field, value);
        if (!pattern.matcher(value).matches()) {
            throw InvalidMessage.invalid(field, rule);
        }
        return value;
    }
}
