package io.switchboard.notification.boundary;

import io.switchboard.chat.boundary.Fields;
import io.switchboard.notification.control.Inbox;
import io.switchboard.notification.control.NotificationStreams;
import io.switchboard.websocket.InvalidMessage;
import io.switchboard.security.boundary.Caller;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;

/** A user's inbox over REST: list, read state and topic subscriptions; only the user themself may use it (403). */
@Path("users/{user}")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    @Inject
    Inbox inbox;
    @Context
    SecurityContext caller;
    @PathParam("user")
    String user;

    /** One page of the inbox, oldest first; pass the last {@code seq} as {@code after} for the next page. */
    public record InboxPage(String user, List<NotificationEvent.Notification> items, long unread, long lastSeq) {
    }

    public record Topics(String user, List<String> topics) {
    }

    @GET
    @Path("notifications")
    public InboxPage notifications(@QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        self();
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
    public void read(@PathParam("seq") long seq) {
        inbox.markRead(self(), seq);
    }

    @POST
    @Path("notifications/read")
    public void readAll() {
        inbox.markAllRead(self());
    }

    @GET
    @Path("topics")
    public Topics topics() {
        return new Topics(user, inbox.topics(self()));
    }

    @PUT
    @Path("topics/{topic}")
    public Topics subscribe(@PathParam("topic") String topic) {
        return new Topics(user, inbox.subscribe(self(), Fields.room("topic", topic)));
    }

    @DELETE
    @Path("topics/{topic}")
    public Topics unsubscribe(@PathParam("topic") String topic) {
        return new Topics(user, inbox.unsubscribe(self(), Fields.room("topic", topic)));
    }

    /** The path's user, when it is the caller: a user reads and changes only their own inbox. */
    private String self() {
        Fields.user("user", user);
        Caller.requireSelf(caller, user);
        return user;
    }
}
