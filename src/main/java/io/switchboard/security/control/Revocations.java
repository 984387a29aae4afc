package io.switchboard.security.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.broker.SharedStateUnavailable;
import io.switchboard.broker.Topic;
import io.switchboard.broker.TopicHandler;
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
 * Revocations are stored, and read once per node into memory, since every authenticated call asks. A revocation
 * is published ({@link Topic.Revoked}) so that every node of a cluster closes the user's connections; in cluster
 * mode it is also kept in Redis ({@link RevocationMirror}), from which a node that missed it on the bus catches up.
 */
@ApplicationScoped
public class Revocations implements TopicHandler {

    private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

    private final Map<String, Instant> revokedAt = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    @Inject
    Clock clock;

    @Inject
    Connections connections;

    @Inject
    RevocationStore store;

    @Inject
    RevocationMirror mirror;

    @Inject
    Broker broker;

    public void revoke(String user) {
        Instant now = clock.instant();
        store.save(user, now);
        try {
            mirror.put(user, now);
        } catch (SharedStateUnavailable e) {
            LOG.log(Level.WARNING, "Revocation of {0} not kept in Redis (the database has it): {1}", new Object[] {
                user, e.getMessage()
            });
        }
        broker.publish(new Publication(new Topic.Revoked(user), Long.toString(now.toEpochMilli())));
    }

    @Override
    public Class<Topic.Revoked> kind() {
        return Topic.Revoked.class;
    }

    /** A revocation, of this node or another: from now on refused here, and the user's connections here closed. */
    @Override
    public void deliver(Publication publication) {
        apply(
                ((Topic.Revoked) publication.topic()).userId(),
                Instant.ofEpochMilli(Long.parseLong(publication.payload())));
    }

    private void apply(String user, Instant when) {
        revokedAt(user, when);
        int closed = connections.closeUser(user, Close.REVOKED);
        LOG.log(Level.INFO, "Revoked {0}: {1} connection(s) closed on this node", new Object[] {user, closed});
    }

    void revokedAt(String user, Instant when) {
        revokedAt.merge(user, when, (a, b) -> a.isAfter(b) ? a : b);
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

    /** Cluster mode: applies the revocations kept in Redis that this node has not seen (a lost bus message). */
    void catchUp(@Observes PublicationsMayBeMissed missed) {
        mirrored().forEach((user, when) -> {
            Instant known = revokedAt.get(user);
            if (known == null || when.isAfter(known)) {
                LOG.log(Level.INFO, "Revocation of {0} missed on the bus; applied after {1}", new Object[] {
                    user, missed.reason()
                });
                apply(user, when);
            }
        });
    }

    private Map<String, Instant> mirrored() {
        try {
            return mirror.all();
        } catch (SharedStateUnavailable e) {
            LOG.log(Level.WARNING, "Could not read the revocations kept in Redis: {0}", e.getMessage());
            return Map.of();
        }
    }

    private synchronized void load() {
        if (!loaded) {
            store.all().forEach(r -> revokedAt(r.getUserId(), r.getRevokedAt()));
            mirrored().forEach(this::revokedAt);
            loaded = true;
        }
    }
}
