package io.switchboard.security.boundary;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Metrics;
import io.switchboard.security.control.Credential;
import io.switchboard.security.control.NotAuthenticated;
import io.switchboard.security.control.Tokens;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;

/**
 * Authenticates REST calls that carry {@code Authorization: Bearer <JWT>}: a valid token becomes the request's
 * {@link SecurityContext} (principal and roles), an invalid one is answered with 401 at once. Calls without the
 * header keep whatever the container authenticated (Jakarta Security, a login form...); resources decide whether
 * an anonymous call is acceptable (see {@link Caller}).
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerAuthentication implements ContainerRequestFilter {

    private static final String PREFIX = "Bearer ";

    @Inject
    Tokens tokens;

    @Inject
    Authenticated authenticated;

    @Inject
    SwitchboardConfig config;

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return;
        }
        if (scrapeToken(request, header)) {
            return; // the metrics scraper's token is not a JWT: the metrics resource checks it
        }
        try {
            Credential credential =
                    tokens.verify(header.substring(PREFIX.length()).trim());
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new BearerContext(credential, secure));
            authenticated.set(credential);
        } catch (NotAuthenticated e) {
            request.abortWith(Caller.unauthorized(e.getMessage(), "invalid_token"));
        }
    }

    private boolean scrapeToken(ContainerRequestContext request, String header) {
        return "metrics".equals(request.getUriInfo().getPath().replaceAll("^/+|/+$", ""))
                && Metrics.scrapeToken(config.metricsToken(), header);
    }

    /** The security context of a call authenticated by a bearer token. */
    record BearerContext(Credential credential, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return credential::user;
        }

        @Override
        public boolean isUserInRole(String role) {
            return credential.hasRole(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
