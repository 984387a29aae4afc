package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;

/**
 * Every reason for which Switchboard closes a connection, with its RFC 6455 code. This is the one place that
 * decides close codes; the protocol document lists the same table.
 */
public enum Close {
    /** The client asked to close, or the server ends the connection normally. */
    NORMAL(1000, "bye"),
    /** The server is shutting down or the application is being undeployed; reconnect later. */
    GOING_AWAY(1001, "server shutting down"),
    /**
     * The client broke RFC 6455 framing: an unmasked frame (closed by Switchboard before the container reads it), or
     * what the container refuses itself (reserved bits or opcodes, a long or fragmented control frame, a bad close code).
     */
    PROTOCOL_ERROR(1002, "protocol error"),
    /** A binary frame arrived: the protocol is JSON text only. */
    BINARY_NOT_ACCEPTED(1003, "binary frames are not accepted, send JSON text"),
    /**
     * No acceptable credential (missing, malformed, forged, expired or used ticket, revoked), too many connections
     * of one user, or the client kept sending bad messages or too many messages. The reason says which.
     */
    POLICY_VIOLATION(1008, "policy violation"),
    /**
     * A text message was larger than the configured maximum: a frame header or the running total of a message's
     * fragments says so before the payload is read.
     */
    TOO_BIG(1009, "message too big"),
    /** An unexpected server error. */
    INTERNAL_ERROR(1011, "internal error"),
    /**
     * The node is draining (a deploy or restart): reconnect after a random delay of at most the reason's
     * {@code retry-after} seconds, which spreads the reconnects; other nodes (or this one, restarted) take them.
     */
    SERVICE_RESTART(1012, "service restart"),
    /** The server is overloaded (too many of the client's messages waiting, or the node's connection limit); retry with backoff. */
    TRY_AGAIN_LATER(1013, "try again later"),
    /** No frame and no pong within the heartbeat timeout (private-use code). */
    HEARTBEAT_TIMEOUT(4000, "heartbeat timeout"),
    /** The client did not read its messages fast enough and its send queue overflowed (private-use code). */
    SLOW_CONSUMER(4001, "slow consumer: send queue overflow"),
    /** The credential the connection was opened with expired: get a fresh ticket (and token) and reconnect. */
    CREDENTIAL_EXPIRED(4002, "credential expired"),
    /** The user was revoked (signed out everywhere): do not reconnect with the old credential. */
    REVOKED(4003, "credential revoked"),
    /** An administrator closed the connection (the reason says why): do not reconnect on your own. */
    CLOSED_BY_ADMIN(4004, "closed by an administrator");

    private final int code;
    private final String defaultReason;

    Close(int code, String defaultReason) {
        this.code = code;
        this.defaultReason = defaultReason;
    }

    public int code() {
        return code;
    }

    public CloseReason reason() {
        return reason(defaultReason);
    }

    /** A close reason with this code; the text is cut to the 123 bytes a close frame can carry. */
    public CloseReason reason(String text) {
        return new CloseReason(closeCode(), truncate(text));
    }

    public CloseCode closeCode() {
        return CloseReason.CloseCodes.getCloseCode(code);
    }

    /** At most 123 bytes of UTF-8, cut between characters (never inside a surrogate pair, which would end in '?'). */
    static String truncate(String text) {
        if (text == null) {
            return "";
        }
        String result = text;
        while (result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            result = result.substring(0, result.offsetByCodePoints(result.length(), -1));
        }
        return result;
    }
}
