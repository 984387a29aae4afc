package io.switchboard.notification.control;

import io.switchboard.config.Database;
import io.switchboard.notification.entity.NotificationUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Users known to notifications. A user's row is created in a transaction of its own, before any publication
 * locks it, so that a connect and a publication racing to create it cannot fail each other: the loser of the race
 * finds the winner's row.
 */
@ApplicationScoped
public class NotificationUsers {

    private static final int CHUNK = 500;

    @PersistenceContext
    EntityManager em;

    @Inject
    Database database;
    /** This bean's own proxy, so that {@link #register} runs in its own transaction. */
    @Inject
    NotificationUsers self;

    /** Makes sure every one of these users has a row. */
    public void ensure(Collection<String> users) {
        Set<String> missing = new HashSet<>(users);
        missing.removeAll(self.known(users));
        for (String user : missing) {
            try {
                self.register(user);
            } catch (Exception raced) {
                // created at the same moment by another transaction (the commit fails with a RollbackException,
                // which the transactional interceptor rethrows as it is): the row exists, which is all we need
            }
        }
    }

    /**
     * Creates the user's row unless it exists. On PostgreSQL (several nodes) an insert that finds the row created
     * meanwhile does nothing: a failed commit of this nested transaction would also lose the caller's transaction on
     * Payara.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void register(String user) {
        if (database.isPostgreSql()) {
            em.createNativeQuery("INSERT INTO SB_NOTIFICATION_USER (USER_ID, LAST_SEQ) VALUES (?1, 0)"
                            + " ON CONFLICT (USER_ID) DO NOTHING")
                    .setParameter(1, user)
                    .executeUpdate();
        } else if (em.find(NotificationUser.class, user) == null) {
            em.persist(new NotificationUser(user));
        }
    }

    @Transactional
    public Set<String> known(Collection<String> users) {
        List<String> all = new ArrayList<>(users);
        Set<String> known = new HashSet<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            known.addAll(em.createQuery(
                            "SELECT u.userId FROM NotificationUser u WHERE u.userId IN :users", String.class)
                    .setParameter("users", all.subList(from, Math.min(all.size(), from + CHUNK)))
                    .getResultList());
        }
        return known;
    }
}
