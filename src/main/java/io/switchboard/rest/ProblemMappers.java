package io.switchboard.rest;

import io.switchboard.websocket.InvalidMessage;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

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

    /** A body that is not JSON, or not of the expected shape. */
    @Provider
    public static class UnreadableBody implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "the request body is not valid JSON for this request", null);
        }
    }

    /** Anything unexpected: logged, and a 500 problem that says nothing of the server's insides. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Exception> {
        private static final Logger LOG = Logger.getLogger(Unexpected.class.getName());

        @Override
        public Response toResponse(Exception e) {
            if (e instanceof WebApplicationException web) {
                return new Http().toResponse(web);
            }
            LOG.log(Level.WARNING, "REST request failed", e);
            return Problem.response(Response.Status.INTERNAL_SERVER_ERROR,
                    "the server could not complete the request; nothing was changed", null);
        }
    }

    /** Not found, method not allowed, unsupported media type...: the same status, as a problem. */
    @Provider
    public static class Http implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            if (e.getResponse().hasEntity()) {
                return e.getResponse(); // already a problem, with its headers (e.g. WWW-Authenticate)
            }
            Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
            if (status == null) {
                status = Response.Status.INTERNAL_SERVER_ERROR;
            }
            return Problem.response(status, e.getMessage(), null);
        }
    }
}
