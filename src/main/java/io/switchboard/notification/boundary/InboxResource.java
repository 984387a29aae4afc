package io.switchboard.notification.boundary;

import io.switchboard.notification.control.Inbox;
import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.notification.control.NotificationStreams;
import io.switchboard.protocol.Fields;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A user's inbox over REST: list, read state and topic subscriptions; only the user themself may use it (403).
 * Parameters are checked by their constraints
 * before a method runs: a violation is a 400 problem naming the parameter ({@code ProblemMappers.InvalidParameter}).
 */
@Path("users/{user}")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    @Inject
    Clock clock;

    @Inject
    Inbox inbox;

    @Context
    SecurityContext caller;

    /** One page of the inbox, oldest first; pass the last {@code seq} as {@code after} for the next page. */
    public record InboxPage(String user, List<NotificationEvent.Notification> items, long unread, long lastSeq) {}

    public record Topics(String user, List<String> topics) {}

    @GET
    @Path("notifications")
    public InboxPage notifications(
            @PathParam("user") @Fields.UserName String user,
            @QueryParam("after") @DefaultValue("0") Long after,
            @QueryParam("limit") @DefaultValue("50") @Fields.PageLimit Integer limit) {
        self(user);
        Instant now = clock.instant();
        List<NotificationEvent.Notification> items = inbox.between(user, after, Long.MAX_VALUE, limit, now).stream()
                .map(e -> NotificationStreams.view(e.getNotification(), e.getSeq(), e.isRead()))
                .toList();
        return new InboxPage(user, items, inbox.unread(user, now), inbox.lastSeq(user));
    }

    @POST
    @Path("notifications/{seq}/read")
    public void read(@PathParam("user") @Fields.UserName String user, @PathParam("seq") Long seq) {
        inbox.markRead(self(user), seq);
    }

    @POST
    @Path("notifications/read")
    public void readAll(@PathParam("user") @Fields.UserName String user) {
        inbox.markAllRead(self(user));
    }

    @GET
    @Path("topics")
    public Topics topics(@PathParam("user") @Fields.UserName String user) {
        return new Topics(user, inbox.topics(self(user)));
    }

    @PUT
    @Path("topics/{topic}")
    public Topics subscribe(
            @PathParam("user") @Fields.UserName String user, @PathParam("topic") @Fields.RoomName String topic) {
        return new Topics(user, inbox.subscribe(self(user), topic));
    }

    @DELETE
    @Path("topics/{topic}")
    public Topics unsubscribe(
            @PathParam("user") @Fields.UserName String user, @PathParam("topic") @Fields.RoomName String topic) {
        return new Topics(user, inbox.unsubscribe(self(user), topic));
    }

    /** The path's user, when it is the caller: a user reads and changes only their own inbox. */
    private String self(String user) {
        Caller.requireSelf(caller, user);
        return user;
    }
}
