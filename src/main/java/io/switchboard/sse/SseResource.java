package io.switchboard.sse;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client → server half of the fallback transport: {@code POST /api/sse/{stream}} with one JSON frame as the body
 * ({@code text/plain} or {@code application/json}), {@code stream} being the token of the {@code stream} event.
 */
@Path("sse")
public class SseResource {

    @Inject
    SseStreams streams;

    @POST
    @Path("{stream}")
    @Consumes(MediaType.WILDCARD)
    public Response post(
            @PathParam("stream") String stream,
            @Context HttpServletRequest http,
            @Context SecurityContext security,
            InputStream body)
            throws IOException {
        return streams.post(stream, http, security, body);
    }
}
