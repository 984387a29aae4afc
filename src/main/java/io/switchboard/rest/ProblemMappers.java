package io.switchboard.rest;

import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.InvalidMessage;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns errors of REST requests into problem responses. */
public final class ProblemMappers {

    private ProblemMappers() {}

    /** A request field that broke a protocol rule: 400 naming the field. */
    @Provider
    public static class InvalidField implements ExceptionMapper<InvalidMessage> {
        @Override
        public Response toResponse(InvalidMessage e) {
            return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), e.field());
        }
    }

    /**
     * A resource method parameter that broke its constraint ({@code @QueryParam("limit") @Fields.PageLimit int limit}):
     * 400 naming the parameter as the client sent it. A violation that is not about a parameter (a return value, an
     * entity checked on persist) is the server's fault: logged, and a 500 problem.
     */
    @Provider
    public static class InvalidParameter implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            Collection<ConstraintViolation<?>> violations = e.getConstraintViolations();
            if (violations == null
                    || violations.isEmpty()
                    || !violations.stream().allMatch(InvalidParameter::isParameter)) {
                return new Unexpected().toResponse(e);
            }
            return new InvalidField().toResponse(invalid(violations));
        }

        /** The error for the first violated parameter, in the order of the method's parameters. */
        static InvalidMessage invalid(Collection<ConstraintViolation<?>> violations) {
            return Constraints.first(
                    violations,
                    InvalidParameter::wireName,
                    v -> node(v, ElementKind.PARAMETER)
                            .map(p -> p.as(Path.ParameterNode.class).getParameterIndex())
                            .orElse(Integer.MAX_VALUE));
        }

        private static boolean isParameter(ConstraintViolation<?> violation) {
            return node(violation, ElementKind.PARAMETER).isPresent()
                    && node(violation, ElementKind.RETURN_VALUE).isEmpty();
        }

        /**
         * The name in {@code @QueryParam}, {@code @PathParam}, ... of the violated parameter, looked up on the
         * resource class (a CDI proxy subclass does not repeat the annotations); for a field of a bean parameter,
         * the field's name.
         */
        private static String wireName(ConstraintViolation<?> violation) {
            Path.Node parameter = node(violation, ElementKind.PARAMETER).orElseThrow();
            boolean afterParameter = false;
            for (Path.Node node : violation.getPropertyPath()) {
                if (afterParameter && node.getKind() == ElementKind.PROPERTY) {
                    return node.getName();
                }
                afterParameter |= node.getKind() == ElementKind.PARAMETER;
            }
            Path.MethodNode method = node(violation, ElementKind.METHOD)
                    .map(m -> m.as(Path.MethodNode.class))
                    .orElse(null);
            int index = parameter.as(Path.ParameterNode.class).getParameterIndex();
            for (Class<?> type = violation.getRootBeanClass();
                    method != null && type != null && type != Object.class;
                    type = type.getSuperclass()) {
                try {
                    Method declared = type.getDeclaredMethod(
                            method.getName(), method.getParameterTypes().toArray(Class<?>[]::new));
                    for (Annotation annotation : declared.getParameterAnnotations()[index]) {
                        String name = paramName(annotation);
                        if (name != null) {
                            return name;
                        }
                    }
                } catch (NoSuchMethodException e) {
                    // declared further up
                }
            }
            return parameter.getName();
        }

        private static String paramName(Annotation annotation) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            } else if (annotation instanceof PathParam path) {
                return path.value();
            } else if (annotation instanceof HeaderParam header) {
                return header.value();
            } else if (annotation instanceof FormParam form) {
                return form.value();
            } else if (annotation instanceof MatrixParam matrix) {
                return matrix.value();
            } else if (annotation instanceof CookieParam cookie) {
                return cookie.value();
            }
            return null;
        }

        private static Optional<Path.Node> node(ConstraintViolation<?> violation, ElementKind kind) {
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == kind) {
                    return Optional.of(node);
                }
            }
            return Optional.empty();
        }
    }

    /** A body that is not JSON, or not of the expected shape. */
    @Provider
    public static class UnreadableBody implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return Problem.response(
                    Response.Status.BAD_REQUEST, "the request body is not valid JSON for this request", null);
        }
    }

    /** Cluster mode: Redis (tickets, say) did not answer: 503 with {@code Retry-After}, nothing was changed. */
    @Provider
    public static class Unavailable implements ExceptionMapper<io.switchboard.broker.SharedStateUnavailable> {
        @Override
        public Response toResponse(io.switchboard.broker.SharedStateUnavailable e) {
            return Response.fromResponse(Problem.response(
                            Response.Status.SERVICE_UNAVAILABLE,
                            "a service the cluster shares is unavailable; try again shortly",
                            null))
                    .header("Retry-After", "2")
                    .build();
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
            if (databaseUnavailable(e)) {
                LOG.log(Level.WARNING, "REST request failed, the database is unavailable: {0}", e.toString());
                return Response.fromResponse(Problem.response(
                                Response.Status.SERVICE_UNAVAILABLE,
                                "the database is unavailable; nothing was changed; try again shortly",
                                null))
                        .header("Retry-After", "2")
                        .build();
            }
            LOG.log(Level.WARNING, "REST request failed", e);
            return Problem.response(
                    Response.Status.INTERNAL_SERVER_ERROR,
                    "the server could not complete the request; nothing was changed",
                    null);
        }
    }

    /**
     * Not found, method not allowed, unsupported media type...: the same status, as a problem, with the headers the
     * status needs ({@code Allow} on a 405). The runtime's own wording ({@code HTTP 404 Not Found} from Jersey,
     * {@code RESTEASY003210: Could not find resource for full path: ...} from RESTEasy) becomes the same detail on
     * both servers; a resource's own message ({@code no room 'x'}) is kept.
     */
    @Provider
    public static class Http implements ExceptionMapper<WebApplicationException> {
        private static final java.util.regex.Pattern RUNTIME_WORDING =
                java.util.regex.Pattern.compile("HTTP [0-9]{3} .*|RESTEASY[0-9]+: .*", java.util.regex.Pattern.DOTALL);

        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            if (original.hasEntity()) {
                return original; // already a problem, with its headers (e.g. WWW-Authenticate)
            }
            Response.Status status = Response.Status.fromStatusCode(original.getStatus());
            if (status == null) {
                status = Response.Status.INTERNAL_SERVER_ERROR;
            }
            String detail = e.getMessage() == null
                            || RUNTIME_WORDING.matcher(e.getMessage()).matches()
                    ? "HTTP " + status.getStatusCode() + " " + status.getReasonPhrase()
                    : e.getMessage();
            Response.ResponseBuilder problem = Response.fromResponse(Problem.response(status, detail, null));
            for (String header :
                    new String[] {HttpHeaders.ALLOW, HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER}) {
                String value = original.getHeaderString(header);
                if (value != null) {
                    problem.header(header, value);
                }
            }
            return problem.build();
        }
    }

    /**
     * Whether a failure comes from the database being out of reach (refused, reset, timed out, no connection from the
     * pool) rather than from a bug: a connection-class SQL state ({@code 08...}, or {@code 57P..} for a server shut
     * down), a transient or recoverable SQL exception, or a socket error, anywhere in the chain of causes.
     */
    static boolean databaseUnavailable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof java.sql.SQLTransientException
                    || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.SocketException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return true;
                }
                if (sql.getNextException() != null && databaseUnavailable(sql.getNextException())) {
                    return true;
                }
            }
            if (t.getClass().getName().startsWith("jakarta.resource.")) {
                return true; // the connection pool could not allocate a connection
            }
        }
        return false;
    }
}
