package io.switchboard.notification.boundary;

import io.switchboard.notification.control.NotificationStreams;
import io.switchboard.rest.Problem;
import io.switchboard.sse.SseStreams;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * Notifications over the fallback transport: {@code GET /api/sse/notifications?ticket=…} replays the inbox after
 * {@code Last-Event-ID} (or {@code ?since=}), then streams new notifications, each event's id being its {@code seq}.
 */
@Path("sse/notifications")
public class NotificationStreamResource {

    @Inject
    SseStreams streams;

    @Inject
    NotificationCommands commands;

    @Inject
    NotificationStreams notifications;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void open(
            @Context SseEventSink sink,
            @Context Sse sse,
            @Context HttpServletRequest http,
            @Context HttpServletResponse response,
            @Context SecurityContext security,
            @Context UriInfo uri,
            @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("since") String since) {
        long after = sequence(lastEventId != null && !lastEventId.isBlank() ? lastEventId : since);
        if (after < 0) {
            throw new WebApplicationException(Problem.response(
                    Response.Status.BAD_REQUEST,
                    "Last-Event-ID (or 'since') must be a sequence number (0 or more)",
                    "since"));
        }
        streams.open(new SseStreams.Request(sink, sse, http, response, security, uri), true, commands::receive)
                .ifPresent(connection -> notifications.open(connection, after));
    }

    /** The sequence number to resume after: 0 when none is given, -1 when it is not one. */
    static long sequence(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Math.max(-1, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
