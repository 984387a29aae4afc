package io.switchboard.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}).
 *
 * @param field the request field that was wrong, when one was
 */
public record Problem(String type, String title, int status, String detail, String field) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    public static Response response(Response.Status status, String detail, String field) {
        Problem problem = new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, field);
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(io.switchboard.protocol.Json.write(problem))
                .build();
    }
}
