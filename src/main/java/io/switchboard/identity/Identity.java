package io.switchboard.identity;

import java.time.Instant;
import java.util.Set;

/**
 * The user behind a connection: a stable id (the principal name), the name shown to others, the user's roles and
 * when the credential the connection was opened with expires ({@code null}: it does not, e.g. a container login).
 */
public record Identity(String userId, String displayName, Set<String> roles, Instant expiresAt) {

    public Identity {
        roles = Set.copyOf(roles);
    }

    public Identity(String userId, String displayName) {
        this(userId, displayName, Set.of(), null);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
