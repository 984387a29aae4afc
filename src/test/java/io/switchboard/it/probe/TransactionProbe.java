package io.switchboard.it.probe;

import io.switchboard.notification.control.NotificationPublisher;
import io.switchboard.notification.control.NotificationRequest;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * Test-only resource added to the deployment by NotificationIT: application code that publishes through the CDI
 * publisher inside its own JTA transaction, then commits or rolls back.
 */
@Path("test/publish-in-transaction")
public class TransactionProbe {

    @Inject
    NotificationPublisher publisher;

    @Resource
    UserTransaction transaction;

    @POST
    public String publish(
            @QueryParam("user") String user, @QueryParam("title") String title, @QueryParam("commit") boolean commit)
            throws Exception {
        transaction.begin();
        try {
            publisher.publish(NotificationRequest.toUser(user, title, "published inside an application transaction"));
        } finally {
            if (commit) {
                transaction.commit();
            } else {
                transaction.rollback();
            }
        }
        return commit ? "committed" : "rolled back";
    }
}
