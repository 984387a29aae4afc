package io.switchboard.security.boundary;

import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.operations.control.TrafficLog;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a handshake that breaks RFC 6455's rules ({@link MalformedHandshake}: 400, or 426 for the version), and
 * counts and logs handshakes refused for their origin ({@link Handshake#checkOrigin}), with the client's address,
 * which the WebSocket API does not give the configurator. Tyrus (Payara) runs its upgrade filter after the
 * application's, so this one is around the handshake; Undertow (WildFly) upgrades first and hands a refused
 * handshake (origin, or malformed, which {@link Handshake#checkOrigin} refuses there) down the chain to
 * {@link HandshakeRefused} through this filter. Either way the refusal is seen here, once, on the thread that checked
 * it.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    @Inject
    Metrics metrics;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var malformed = MalformedHandshake.of(request);
        if (malformed.isPresent()) {
            MalformedHandshake.Answer answer = malformed.get();
            metrics.meters().refused(Meters.Refusal.MALFORMED);
            TrafficLog.refused(
                    Meters.ENDPOINTS.get(Meters.endpointOf(request.getRequestURI())),
                    request.getRemoteAddr() + ":" + request.getRemotePort(),
                    Meters.Refusal.MALFORMED.tag(),
                    answer.detail());
            if (answer.versionRefused()) {
                response.setHeader("Sec-WebSocket-Version", MalformedHandshake.SUPPORTED_VERSION);
            }
            HandshakeRefused.write(response, answer.status(), answer.title(), answer.detail());
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            String origin = Handshake.REFUSED_ORIGIN.get();
            if (origin != null) {
                Handshake.REFUSED_ORIGIN.remove();
                metrics.meters().refused(Meters.Refusal.ORIGIN);
                TrafficLog.refused(
                        Meters.ENDPOINTS.get(Meters.endpointOf(request.getRequestURI())),
                        request.getRemoteAddr() + ":" + request.getRemotePort(),
                        Meters.Refusal.ORIGIN.tag(),
                        "origin " + origin + " is not allowed");
            }
        }
    }
}
