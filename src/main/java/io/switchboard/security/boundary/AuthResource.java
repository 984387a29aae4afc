package io.switchboard.security.boundary;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.security.control.Credential;
import io.switchboard.security.control.Revocations;
import io.switchboard.security.control.Tickets;
import io.switchboard.security.control.Tokens;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Signing in (development only), WebSocket tickets, who am I, and revoking a user. */
@Path("auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    Clock clock;

    @Inject
    SwitchboardConfig config;

    @Inject
    Tokens tokens;

    @Inject
    Tickets tickets;

    @Inject
    Revocations revocations;

    @Inject
    Authenticated authenticated;

    public record DevLogin(@NotNull @Fields.UserName String name, List<String> roles) {}

    public record Session(String user, List<String> roles, String token, Instant expiresAt) {}

    public record Me(String user, List<String> roles, Instant expiresAt) {}

    /**
     * {@code {"name":"alice"}} → a signed token for alice, when {@code switchboard.auth.dev-login} is on (the embedded
     * default); 404 otherwise. Anyone may be anyone: development only.
     */
    @POST
    @Path("dev-login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Session devLogin(DevLogin login) {
        if (!config.devLogin() || !tokens.canIssue()) {
            throw new NotFoundException("dev login is disabled on this server");
        }
        if (login == null) {
            throw InvalidMessage.missing("name");
        }
        String user = Constraints.check(login).name();
        Set<String> roles = new TreeSet<>(login.roles() == null ? List.of() : login.roles());
        Set<String> known = new TreeSet<>(Set.of(config.publisherRole(), config.adminRole()));
        if (!known.containsAll(roles)) {
            throw InvalidMessage.invalid("roles", "may only contain " + known);
        }
        Instant expiresAt = clock.instant().plus(config.devTokenLifetime());
        return new Session(user, List.copyOf(roles), tokens.issue(user, roles, expiresAt), expiresAt);
    }

    /** A one-time ticket for opening a WebSocket as the caller: {@code /ws/chat?ticket=…}. */
    @POST
    @Path("ticket")
    public Tickets.Ticket ticket(@Context SecurityContext caller) {
        return tickets.issue(Caller.credential(caller, authenticated, clock.instant()));
    }

    @GET
    @Path("me")
    public Me me(@Context SecurityContext caller) {
        Credential credential = Caller.credential(caller, authenticated, clock.instant());
        return new Me(credential.user(), List.copyOf(new TreeSet<>(credential.roles())), credential.expiresAt());
    }

    /** Revokes a user (admin role): their credentials issued until now stop working, their connections close (4003). */
    @POST
    @Path("revocations/{user}")
    public void revoke(@Context SecurityContext caller, @PathParam("user") @Fields.UserName String user) {
        Caller.requireRole(caller, config.adminRole());
        revocations.revoke(user);
    }
}
