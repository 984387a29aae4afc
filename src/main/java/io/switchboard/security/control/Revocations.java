package io.switchboard.security.control;

import io.switchboard.websocket.Close;
import io.switchboard.websocket.Connections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Revoked users: every credential issued to them up to the moment of revocation is refused from then on, and
 * their open connections are closed with 4003. A credential issued later (the user signed in again) is accepted.
 */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

    private final Map<String, Instant> revokedAt = new ConcurrentHashMap<>();

    @Inject
    Connections connections;

    public void revoke(String user) {
        revokedAt(user, Instant.now());
        int closed = connections.closeUser(user, Close.REVOKED);
        LOG.log(Level.INFO, "Revoked {0}: {1} connection(s) closed", new Object[] {user, closed});
    }

    void revokedAt(String user, Instant when) {
        revokedAt.put(user, when);
    }

    /**
     * Whether a credential issued at {@code issuedAt} was revoked. Token issue times have whole seconds, so a
     * token of the same second as the revocation counts as revoked.
     */
    public boolean revokedAfter(String user, Instant issuedAt) {
        Instant revoked = revokedAt.get(user);
        return revoked != null && !issuedAt.isAfter(revoked);
    }
}
