package io.switchboard.security.control;

import io.switchboard.websocket.Close;
import io.switchboard.websocket.Connections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Revoked users: every credential issued to them up to the moment of revocation is refused from then on, and
 * their open connections are closed with 4003. A credential issued later (the user signed in again) is accepted.
 * Revocations are stored, and read once per node into memory, since every authenticated call asks.
 */
@ApplicationScoped
public class Revocations {

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

    private final Map<String, Instant> revokedAt = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    @Inject
    Clock clock;

    @Inject
    Connections connections;

    @Inject
    RevocationStore store;

    public void revoke(String user) {
        Instant now = clock.instant();
        store.save(user, now);
        revokedAt(user, now);
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
        if (!loaded) {
            load();
        }
        Instant revoked = revokedAt.get(user);
        return revoked != null && !issuedAt.isAfter(revoked);
    }

    /**
     * Reads the stored revocations at deployment: read lazily, the first burst of sign-ins after a start queued behind
     * this one read (and the cold JPA and CDI start under it) for many seconds. If it fails here, the first
     * authenticated call tries again.
     */
    void preload(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        try {
            load();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read the stored revocations at start; the first sign-in will", e);
        }
    }

    private synchronized void load() {
        if (!loaded) {
            store.all().forEach(r -> revokedAt.merge(r.getUserId(), r.getRevokedAt(), (a, b) -> a.isAfter(b) ? a : b));
            loaded = true;
        }
    }
}
