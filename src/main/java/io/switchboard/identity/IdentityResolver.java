package io.switchboard.identity;

import jakarta.websocket.Session;

/**
 * Turns an opened WebSocket session into an {@link Identity}. Chat and notification code never look at the
 * handshake themselves; an authenticating implementation replaces this bean without touching them.
 */
public interface IdentityResolver {

    /**
     * The user property under which a transport that authenticated the request itself (the Server-Sent Events
     * fallback) puts the {@link Identity}; a resolver returns it as it is.
     */
    String ESTABLISHED = IdentityResolver.class.getName() + ".established";

    /** @return the identity, or a {@link Refusal} saying why the connection is not accepted */
    Identity resolve(Session session) throws Refusal;

    /** Thrown when a connection has no acceptable identity; the connection is closed with 1008 and this text. */
    class Refusal extends Exception {
        public Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
