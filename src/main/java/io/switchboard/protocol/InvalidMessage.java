package io.switchboard.protocol;

/**
 * A client message that cannot be accepted. The client gets an error frame with {@link #code()} and
 * {@link #getMessage()} (or, over REST, a 400 problem whose {@code field} is {@link #field()}); the connection stays
 * open until the client collects too many strikes.
 */
public class InvalidMessage extends RuntimeException {

    private final ErrorCode code;
    private final String ref;
    private final String field;

    public InvalidMessage(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public InvalidMessage(ErrorCode code, String message, String ref) {
        this(code, message, ref, null);
    }

    private InvalidMessage(ErrorCode code, String message, String ref, String field) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The client's own id of the message that was refused, when it had one. */
    public String ref() {
        return ref;
    }

    /** The field that was wrong, when the error is about one. */
    public String field() {
        return field;
    }

    /** The same error about the client's message {@code newRef}. */
    public InvalidMessage withRef(String newRef) {
        return new InvalidMessage(code, getMessage(), newRef, field);
    }

    public static InvalidMessage missing(String field) {
        return new InvalidMessage(ErrorCode.MISSING_FIELD, "field '" + field + "' is required", null, field);
    }

    public static InvalidMessage invalid(String field, String why) {
        return new InvalidMessage(ErrorCode.INVALID_FIELD, "field '" + field + "' " + why, null, field);
    }
}
