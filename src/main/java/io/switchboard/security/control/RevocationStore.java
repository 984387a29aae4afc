package io.switchboard.security.control;

import io.switchboard.security.entity.Revocation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/** Revocations in the database, so a restart does not bring revoked credentials back. */
@ApplicationScoped
@Transactional
public class RevocationStore {

    @PersistenceContext
    EntityManager em;

    public List<Revocation> all() {
        return em.createQuery("SELECT r FROM Revocation r", Revocation.class).getResultList();
    }

    public void save(String user, Instant revokedAt) {
        Revocation found = em.find(Revocation.class, user);
        if (found == null) {
            em.persist(new Revocation(user, revokedAt));
        } else {
            found.setRevokedAt(revokedAt);
        }
    }
}
