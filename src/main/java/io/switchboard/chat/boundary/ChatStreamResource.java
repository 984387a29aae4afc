package io.switchboard.chat.boundary;

import io.switchboard.sse.SseStreams;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * Chat over the fallback transport: {@code GET /api/sse/chat?ticket=…} streams what {@code /ws/chat} would send;
 * frames go back by {@code POST /api/sse/{stream}} and are handled as {@link ChatEndpoint} handles them.
 */
@Path("sse/chat")
public class ChatStreamResource {

    @Inject
    SseStreams streams;

    @Inject
    ChatCommands commands;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void open(
            @Context SseEventSink sink,
            @Context Sse sse,
            @Context HttpServletRequest http,
            @Context HttpServletResponse response,
            @Context SecurityContext security,
            @Context UriInfo uri) {
        streams.open(new SseStreams.Request(sink, sse, http, response, security, uri), false, commands::receive);
    }
}
