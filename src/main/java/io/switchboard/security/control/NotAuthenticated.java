package io.switchboard.security.control;

/**
 * A credential was missing, malformed, forged, expired or revoked. The message says which, in words fit for the
 * client (it never repeats the token): it becomes a 401 problem over REST and a 1008 close reason on a WebSocket.
 */
public class NotAuthenticated extends RuntimeException {

    public NotAuthenticated(String message) {
        super(message, null, false, false);
    }
}
