package io.switchboard.rest;

import io.switchboard.websocket.InvalidMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns errors of REST requests into problem responses. */
public final class ProblemMappers {

    private ProblemMappers() {
    }

    /** A request field that broke a protocol rule: 400 naming the field. */
    @Provider
    public static class InvalidField implements ExceptionMapper<InvalidMessage> {
        @Override
        public Response toResponse(InvalidMessage e) {
            String message = e.getMessage();
            String field = message.startsWith("field '") ? message.substring(7, message.indexOf('\'', 7)) : null;
            return Problem.response(Response.Status.BAD_REQUEST, message, field);
        }
    }

    /** Not found, method not allowed, unsupported media type...: the same status, as a problem. */
    @Provider
    public static class Http implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
            if (status == null) {
                status = Response.Status.INTERNAL_SERVER_ERROR;
            }
            return Problem.response(status, e.getMessage(), null);
        }
    }
}
