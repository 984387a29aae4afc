package io.switchboard.identity;

import io.switchboard.security.control.NotAuthenticated;
import io.switchboard.security.control.Tickets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The identity of a WebSocket: the principal the container authenticated on the handshake (Jakarta Security, a
 * login session's cookie...) when there is one, otherwise the one-time ticket in {@code ?ticket=} that the client
 * obtained with its bearer token from {@code POST /api/auth/ticket}. Anything else is refused.
 */
@ApplicationScoped
public class HandshakeIdentityResolver implements IdentityResolver {

    /** Letters, digits, dot, dash and underscore, 1 to 32 characters. */
    public static final Pattern USER_NAME = Pattern.compile("[\\p{L}\\p{N}._-]{1,32}");

    @Inject
    Tickets tickets;

    @Override
    public Identity resolve(Session session) throws Refusal {
        Principal principal = session.getUserPrincipal();
        if (principal != null && USER_NAME.matcher(principal.getName()).matches()) {
            return new Identity(principal.getName(), principal.getName());
        }
        List<String> ticket = session.getRequestParameterMap().get("ticket");
        if (ticket == null || ticket.isEmpty() || ticket.get(0).isBlank()) {
            throw new Refusal("authentication required: connect with ?ticket= from POST /api/auth/ticket");
        }
        try {
            return tickets.redeem(ticket.get(0)).identity();
        } catch (NotAuthenticated e) {
            throw new Refusal(e.getMessage());
        }
    }
}
