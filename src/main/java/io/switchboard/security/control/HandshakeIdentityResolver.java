package io.switchboard.security.control;

import io.switchboard.identity.Identity;
import io.switchboard.identity.IdentityResolver;
import io.switchboard.protocol.Fields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;

/**
 * The identity of a WebSocket: the principal the container authenticated on the handshake (Jakarta Security, a
 * login session's cookie...) when there is one, otherwise the one-time ticket in {@code ?ticket=} that the client
 * obtained with its bearer token from {@code POST /api/auth/ticket}. Anything else is refused.
 */
@ApplicationScoped
public class HandshakeIdentityResolver implements IdentityResolver {

    @Inject
    Tickets tickets;

    @Override
    public Identity resolve(Session session) throws Refusal {
        if (session.getUserProperties().get(ESTABLISHED) instanceof Identity established) {
            return established; // the SSE fallback authenticated its request (only server code sets this)
        }
        Principal principal = session.getUserPrincipal();
        if (principal != null && Fields.USER_NAME.matcher(principal.getName()).matches()) {
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
