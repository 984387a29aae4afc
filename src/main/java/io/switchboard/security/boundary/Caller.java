package io.switchboard.security.boundary;

import io.switchboard.rest.Problem;
import io.switchboard.security.control.Credential;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.time.Instant;
import java.util.Set;

/**
 * Who is calling a REST resource, and the checks resources make: 401 when nobody is authenticated, 403 when the
 * caller lacks a role or asks for another user's data.
 */
public final class Caller {

    private Caller() {}

    /** The authenticated user's name; 401 when the call is anonymous. */
    public static String user(SecurityContext context) {
        Principal principal = context.getUserPrincipal();
        if (principal == null
                || principal.getName() == null
                || principal.getName().isBlank()) {
            throw new NotAuthorizedException(
                    unauthorized("authentication required: send Authorization: Bearer <token>", null));
        }
        return principal.getName();
    }

    /** The caller as a credential: the bearer token's, or the container login's (no roles listed, no expiry). */
    public static Credential credential(SecurityContext context, Authenticated bearer, Instant now) {
        return bearer.credential().orElseGet(() -> new Credential(user(context), Set.of(), now, null));
    }

    /** 403 unless the caller has one of the roles. */
    public static String requireRole(SecurityContext context, String... roles) {
        String user = user(context);
        for (String role : roles) {
            if (context.isUserInRole(role)) {
                return user;
            }
        }
        throw forbidden("this requires the role '" + roles[0] + "'");
    }

    /** 403 unless the caller is {@code user}. */
    public static void requireSelf(SecurityContext context, String user) {
        if (!user(context).equals(user)) {
            throw forbidden("you may only access your own data");
        }
    }

    public static ForbiddenException forbidden(String detail) {
        return new ForbiddenException(Problem.response(Response.Status.FORBIDDEN, detail, null));
    }

    static Response unauthorized(String detail, String error) {
        String challenge = "Bearer realm=\"switchboard\"" + (error == null ? "" : ", error=\"" + error + "\"");
        return Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, detail, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
    }
}
