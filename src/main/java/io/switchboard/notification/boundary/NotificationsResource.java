package io.switchboard.notification.boundary;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.notification.control.NotificationPublisher;
import io.switchboard.notification.control.NotificationRequest;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.security.boundary.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/** Publishing notifications from other systems: the caller needs the publisher role (or admin); 401/403 otherwise. */
@Path("notifications")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

    @Inject
    NotificationPublisher publisher;

    @Inject
    SwitchboardConfig config;

    @Context
    SecurityContext caller;

    /**
     * Publishes a notification. 201 with {@code {"id":…,"recipients":…,"duplicate":false}}; 200 with the first
     * publication's id and {@code "duplicate":true} when the {@code Idempotency-Key} was used before; 400 problem
     * naming the field otherwise, with nothing stored.
     */
    @POST
    public Response publish(NotificationRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Caller.requireRole(caller, config.publisherRole(), config.adminRole());
        if (request == null) {
            throw InvalidMessage.missing("title");
        }
        NotificationPublisher.Published published = publisher.publish(request, idempotencyKey);
        return Response.status(published.duplicate() ? Response.Status.OK : Response.Status.CREATED)
                .entity(published)
                .build();
    }
}
