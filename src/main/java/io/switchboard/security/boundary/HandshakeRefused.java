package io.switchboard.security.boundary;

import io.switchboard.protocol.Json;
import io.switchboard.rest.Problem;
import io.switchboard.security.control.Origins;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * What a request to {@code /ws/*} gets when the container did not upgrade it. Undertow (WildFly) passes a
 * handshake whose origin {@link Handshake#checkOrigin} refused down the filter chain instead of answering 403, so
 * this answers it: 403 for a refused origin, as Tyrus (Payara) does; 426 for a plain HTTP request; 404 otherwise.
 */
@WebServlet(urlPatterns = "/ws/*")
public class HandshakeRefused extends HttpServlet {

    @Inject
    Origins origins;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        if (upgrade && origin != null && !origin.isBlank() && !origins.allowed(origin)) {
            write(response, 403, "Forbidden", "origin '" + origin + "' is not allowed to open WebSockets here");
        } else if (!upgrade) {
            response.setHeader("Upgrade", "websocket");
            response.setHeader("Connection", "Upgrade");
            write(response, 426, "Upgrade Required", "this is a WebSocket endpoint: send a WebSocket handshake");
        } else {
            write(response, 404, "Not Found", "no WebSocket endpoint at " + request.getRequestURI());
        }
    }

    static void write(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE.toString());
        response.getWriter().write(Json.write(new Problem("about:blank", title, status, detail, null)));
    }
}
