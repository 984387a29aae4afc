package io.switchboard.it.probe;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * Test-only resource added to the deployment by NotificationIT: counts a user's inbox rows in the database,
 * expired ones included, so a test can see that the purge really deletes them.
 */
@Path("test/inbox-rows")
public class InboxProbe {

    @PersistenceContext
    EntityManager em;

    @GET
    public long rows(@QueryParam("user") String user) {
        return em.createQuery("SELECT COUNT(e) FROM InboxEntry e WHERE e.userId = :user", Long.class)
                .setParameter("user", user)
                .getSingleResult();
    }
}
