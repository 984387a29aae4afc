package io.switchboard.websocket;

/**
 * A client message that cannot be accepted. The client gets an error frame with {@link #code()} and
 * {@link #getMessage()}; the connection stays open until the client collects too many strikes.
 */
public class InvalidMessage extends RuntimeException {

    private final ErrorCode code;
    private final String ref;

    public InvalidMessage(ErrorCode code, String message) {
        this(code, message, null);
    }

    public InvalidMessage(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    /** The client's own id of the message that was refused, when it had one. */
    public String ref() {
        return ref;
    }

    public static InvalidMessage missing(String field) {
        return new InvalidMessage(ErrorCode.MISSING_FIELD, "field '" + field + "' is required");
    }

    public static InvalidMessage invalid(String field, String why) {
        return new InvalidMessage(ErrorCode.INVALID_FIELD, "field '" + field + "' " + why);
    }
}
