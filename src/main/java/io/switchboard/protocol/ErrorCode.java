package io.switchboard.protocol;

/** The {@code code} of an error frame: what was wrong with a message the client sent. */
public enum ErrorCode {
    MALFORMED_JSON("malformed_json"),
    UNKNOWN_TYPE("unknown_type"),
    MISSING_FIELD("missing_field"),
    INVALID_FIELD("invalid_field"),
    NOT_JOINED("not_joined"),
    FORBIDDEN("forbidden"),
    RATE_LIMITED("rate_limited"),
    INTERNAL_ERROR("internal_error");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
