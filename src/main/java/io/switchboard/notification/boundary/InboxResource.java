package io.switchboard.notification.boundary;

import io.switchboard.chat.boundary.Fields;
import io.switchboard.notification.control.Inbox;
import io.switchboard.notification.control.NotificationStreams;
import io.switchboard.websocket.InvalidMessage;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** A user's inbox over REST: list, read state and topic subscriptions. */
@Path("users/{user}")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    @Inject
    Inbox inbox;

    /** One page of the inbox, oldest first; pass the last {@code seq} as {@code after} for the next page. */
    public record InboxPage(String user, List<NotificationEvent.Notification> items, long unread, long lastSeq) {
    }

    public record Topics(String user, List<String> topics) {
    }

    @GET
    @Path("notifications")
    public InboxPage notifications(@PathParam("user") String user, @QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        Fields.user("user", user);
        if (limit < 1 || limit > 200) {
            throw InvalidMessage.invalid("limit", "must be between 1 and 200");
        }
        Instant now = Instant.now();
        List<NotificationEvent.Notification> items = inbox.between(user, after, Long.MAX_VALUE, limit, now).stream()
                .map(e -> NotificationStreams.view(e.getNotification(), e.getSeq(), e.isRead())).toList();
        return new InboxPage(user, items, inbox.unread(user, now), inbox.lastSeq(user));
    }

    @POST
    @Path("notifications/{seq}/read")
    public void read(@PathParam("user") String user, @PathParam("seq") long seq) {
        inbox.markRead(Fields.user("user", user), seq);
    }

    @POST
    @Path("notifications/read")
    public void readAll(@PathParam("user") String user) {
        inbox.markAllRead(Fields.user("user", user));
    }

    @GET
    @Path("topics")
    public Topics topics(@PathParam("user") String user) {
        return new Topics(user, inbox.topics(Fields.user("user", user)));
    }

    @PUT
    @Path("topics/{topic}")
    public Topics subscribe(@PathParam("user") String user, @PathParam("topic") String topic) {
        return new Topics(user, inbox.subscribe(Fields.user("user", user), Fields.room("topic", topic)));
    }

    @DELETE
    @Path("topics/{topic}")
    public Topics unsubscribe(@PathParam("user") String user, @PathParam("topic") String topic) {
        return new Topics(user, inbox.unsubscribe(Fields.user("user", user), Fields.room("topic", topic)));
    }
}
