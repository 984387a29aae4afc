package io.switchboard.bare;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** {@code POST /api/auth/dev-login {"name":N}} gives token {@code peer.N}; {@code POST /api/auth/ticket} a ticket. */
@WebServlet(urlPatterns = {"/api/auth/dev-login", "/api/auth/ticket"})
public class AuthServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String json;
        if (request.getServletPath().endsWith("dev-login")) {
            String name = Peer.field(body, "name");
            json = "{\"token\":\"peer." + name + "\",\"expiresAt\":\"" + Instant.now().plusSeconds(86_400) + "\"}";
        } else {
            String auth = request.getHeader("Authorization");
            String user = auth == null ? "" : auth.replaceFirst("^Bearer peer\\.", "");
            json = "{\"ticket\":\"" + Peer.newTicket(user) + "\"}";
        }
        response.setContentType("application/json");
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
}
