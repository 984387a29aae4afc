package io.switchboard.security.control;

import io.switchboard.identity.Identity;
import java.time.Instant;
import java.util.Set;

/** A verified caller: who, with which roles, until when ({@code null}: no expiry, e.g. a container login). */
public record Credential(String user, Set<String> roles, Instant issuedAt, Instant expiresAt) {

    public Credential {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public Identity identity() {
        return new Identity(user, user, roles, expiresAt);
    }
}
