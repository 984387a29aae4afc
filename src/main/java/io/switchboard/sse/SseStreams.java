package io.switchboard.sse;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.Topic;
import io.switchboard.broker.TopicHandler;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.identity.Identity;
import io.switchboard.identity.IdentityResolver;
import io.switchboard.protocol.Fields;
import io.switchboard.rest.Problem;
import io.switchboard.security.boundary.Authenticated;
import io.switchboard.security.control.NotAuthenticated;
import io.switchboard.security.control.Origins;
import io.switchboard.security.control.Tickets;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.HeartbeatTicked;
import io.switchboard.websocket.ResponseWriteQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open event streams of this node, by their secret token, and the checks of the fallback transport: the origin
 * allow-list and authentication of the WebSocket handshake (a one-time {@code ?ticket=}, a bearer token or a container
 * login; 401 otherwise), a limit of open streams per user ({@code switchboard.sse.streams-per-user}, 429 beyond), and
 * the POSTs, which only the stream's token opens (and, when they carry a credential, only as the stream's user). A POST
 * may land on any node: one that does not hold the stream finds it in the {@link StreamDirectory} and hands the body
 * over the {@link Broker} ({@link Topic.Stream}) to the node that does, which handles it as its own.
 * Everything after the request is the WebSocket plumbing's: {@link Connections#open} (welcome frame, connection
 * limits, drain), {@link Connections#onMessage} (rate limits, strikes, error frames), the heartbeat and close codes.
 */
@ApplicationScoped
public class SseStreams implements TopicHandler {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(SseStreams.class.getName());
    private static final AtomicBoolean WATCH_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean WRITE_QUEUE_LOGGED = new AtomicBoolean();
    /** How long after the stream's request has left the resource its first event is written (see SseStream#release). */
    static final long FIRST_WRITE_GRACE_MILLIS = 50;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Inject
    Connections connections;

    @Inject
    Origins origins;

    @Inject
    Tickets tickets;

    @Inject
    Authenticated authenticated;

    @Inject
    SwitchboardConfig config;

    @Inject
    StreamDirectory directory;

    @Inject
    Broker broker;

    private final Map<String, Stream> byToken = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private ExecutorService writers;
    private ScheduledExecutorService timer;

    /** An open stream: its session, its user, and what its endpoint does with a POSTed frame. */
    private record Stream(SseSession session, String user, Inbound inbound) {}

    /**
     * What an endpoint does with one POSTed frame of its stream: decode it and hand it to {@link Connections}, as its
     * WebSocket endpoint's {@code @OnMessage} does ({@link io.switchboard.websocket.TextInbound}).
     */
    public interface Inbound {
        void accept(Session session, String text);
    }

    /** The GET request of a stream, as JAX-RS hands it to the resource. */
    public record Request(
            SseEventSink sink,
            Sse sse,
            HttpServletRequest http,
            HttpServletResponse response,
            SecurityContext security,
            UriInfo uri) {}

    @PostConstruct
    void start() {
        writers = Executors.newCachedThreadPool(threads);
        timer = Executors.newSingleThreadScheduledExecutor(threads);
    }

    @PreDestroy
    void stop() {
        CloseReason going = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        byToken.values().forEach(stream -> stream.session().close(going));
        writers.shutdown();
        timer.shutdown();
    }

    /**
     * Opens an event stream: checks origin, credential and the stream limit (a problem response when refused, before
     * anything is streamed), sends the {@code stream} event with the token for POSTs, then opens the connection.
     *
     * @param numbered whether {@code notification} frames carry their {@code seq} as the event id
     * @return the connection, or empty when {@link Connections#open} refused it (a {@code close} event says why)
     */
    public Optional<Connection> open(Request request, boolean numbered, Inbound inbound) {
        checkOrigin(request.http());
        Identity identity =
                identify(request.security(), request.uri().getQueryParameters().getFirst("ticket"));
        String user = identity.userId();
        int limit = config.streamsPerUser();
        if (perUser.merge(user, 1, Integer::sum) > limit) {
            release(user);
            throw new WebApplicationException(Problem.response(
                    Response.Status.TOO_MANY_REQUESTS,
                    "too many event streams for this user (limit " + limit + " per server)",
                    null));
        }
        HttpServletResponse response = request.response();
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        String id = "sse-" + HexFormat.of().formatHex(bytes(8));
        SseSession[] created = new SseSession[1];
        SseStream stream = new SseStream(request.sink(), request.sse(), writers, timer, reason -> {
            byToken.remove(token);
            directory.closed(token);
            release(user);
            connections.closed(created[0], reason);
        });
        SseSession session = new SseSession(
                id,
                token,
                request.uri().getRequestUri(),
                request.uri().getQueryParameters(),
                request.security().isSecure(),
                remoteAddress(request.http()),
                numbered,
                stream,
                () -> connections.of(created[0]).ifPresent(Connection::touch));
        created[0] = session;
        if (stream.writesWithoutBlocking() && !stream.writesEncoded()) {
            containerWriteQueue(request.http()).ifPresent(stream::containerWriting);
        }
        session.getUserProperties().put(IdentityResolver.ESTABLISHED, identity);
        byToken.put(token, new Stream(session, user, inbound));
        directory.opened(token, user);
        watch(request.http(), stream);
        String first = Json.createObjectBuilder()
                .add("type", "stream")
                .add("stream", token)
                .add("connectionId", id)
                .build()
                .toString();
        stream.write(stream.named("stream", first), failed -> {});
        Optional<Connection> connection = connections.open(session);
        stream.release(FIRST_WRITE_GRACE_MILLIS);
        return connection;
    }

    /**
     * Handles one POST: its body (UTF-8, at most {@code switchboard.limits.max-text} bytes) is one JSON frame or a JSON
     * array of at most {@link PostBody#MAX_FRAMES} frames. 202 once it is handed to the connection, here or (cluster
     * mode) over the broker to the node that holds the stream; a refused frame gets its {@code error} event on the
     * stream, as on WebSocket, and the others are still handled. 404 for a stream open on no node, 403 for another
     * user or origin, 400 for too many frames (none handled), 413 (and the stream closed with 1009) for a body too big,
     * 503 when the cluster's directory of streams cannot be asked.
     */
    public Response post(String token, HttpServletRequest http, SecurityContext security, InputStream body)
            throws IOException {
        checkOrigin(http);
        Stream local = token == null ? null : byToken.get(token);
        String owner = local != null
                ? local.user()
                : token == null ? null : directory.owner(token).orElse(null);
        if (owner == null) {
            return Problem.response(Response.Status.NOT_FOUND, "no open event stream with this token", null);
        }
        Principal caller = security.getUserPrincipal();
        if (caller != null && !owner.equals(caller.getName())) {
            return Problem.response(Response.Status.FORBIDDEN, "this event stream belongs to another user", null);
        }
        int max = config.maxTextMessageBytes();
        byte[] bytes = body.readNBytes(max + 1);
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean tooBig = bytes.length > max;
        if (!tooBig) {
            try {
                PostBody.frames(text);
            } catch (PostBody.TooManyFrames e) {
                return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), null);
            }
        }
        if (local != null) {
            handle(local, text, bytes.length);
        } else {
            broker.publish(new Publication(new Topic.Stream(token), text));
        }
        if (tooBig) {
            return Problem.response(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "a POST body may have at most " + max + " bytes; the stream is closed (1009)",
                    null);
        }
        return Response.accepted().build();
    }

    @Override
    public Class<Topic.Stream> kind() {
        return Topic.Stream.class;
    }

    /** A POST for a stream that another node received: handled here if the stream is open here. */
    @Override
    public void deliver(Publication publication) {
        Stream stream = byToken.get(((Topic.Stream) publication.topic()).token());
        if (stream != null) {
            String text = publication.payload();
            handle(stream, text, text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Hands a POST body's frames to the stream's connection, in order; a body too big closes it (1009). */
    private void handle(Stream stream, String body, int bytes) {
        stream.session().received(bytes);
        List<String> frames;
        try {
            frames = bytes > config.maxTextMessageBytes() ? List.of(body) : PostBody.frames(body);
        } catch (PostBody.TooManyFrames e) {
            return; // refused by the node that received the POST
        }
        for (String frame : frames) {
            stream.inbound().accept(stream.session(), frame);
        }
    }

    /** Renews the leases of this node's streams in the cluster's directory, with the heartbeat. */
    void renew(@Observes HeartbeatTicked ticked) {
        if (!byToken.isEmpty()) {
            directory.renew(List.copyOf(byToken.keySet()));
        }
    }

    /**
     * Ends the stream as soon as the container reports its response over (the client went away): writing to or closing
     * a sink after that could reach a pooled response that already serves another request.
     */
    private static void watch(HttpServletRequest http, SseStream stream) {
        boolean suspended = http.isAsyncStarted();
        if (WATCH_LOGGED.compareAndSet(false, true)) {
            LOG.log(
                    Level.INFO,
                    "Event streams {0} when the container lets go of their response",
                    suspended ? "end" : "cannot tell (the request is not suspended yet): they end at their next write");
        }
        if (!suspended) {
            return;
        }
        http.getAsyncContext().addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                stream.gone();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                stream.gone();
            }

            @Override
            public void onError(AsyncEvent event) {
                stream.gone();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // a later suspension of the same request: nothing to do
            }
        });
    }

    /** Open streams of this node (for tests and metrics). */
    int open() {
        return byToken.size();
    }

    private Identity identify(SecurityContext security, String ticket) {
        Optional<io.switchboard.security.control.Credential> bearer = authenticated.credential();
        if (bearer.isPresent()) {
            return bearer.get().identity();
        }
        Principal principal = security.getUserPrincipal();
        if (principal != null && Fields.USER_NAME.matcher(principal.getName()).matches()) {
            return new Identity(principal.getName(), principal.getName());
        }
        if (ticket == null || ticket.isBlank()) {
            throw unauthorized("authentication required: open the stream with ?ticket= from POST /api/auth/ticket");
        }
        try {
            return tickets.redeem(ticket).identity();
        } catch (NotAuthenticated e) {
            throw unauthorized(e.getMessage());
        }
    }

    /**
     * Whether the container still holds bytes of this response for the socket (Payara), from the real request (the
     * one JAX-RS hands over may be a proxy); empty where that cannot be seen.
     */
    private static Optional<java.util.function.BooleanSupplier> containerWriteQueue(HttpServletRequest http) {
        Optional<java.util.function.BooleanSupplier> writing = ResponseWriteQueue.of(http);
        if (writing.isEmpty() && http.isAsyncStarted()) {
            writing = ResponseWriteQueue.of(http.getAsyncContext().getRequest());
        }
        if (WRITE_QUEUE_LOGGED.compareAndSet(false, true)) {
            LOG.log(
                    Level.INFO,
                    "Event streams {0}",
                    writing.isPresent()
                            ? "see the container's write queue: a stream that is not read is a slow consumer (4001)"
                            : "cannot see the container's write queue: a stream that is not read is found only when"
                                    + " its connection breaks");
        }
        return writing;
    }

    private static String remoteAddress(HttpServletRequest http) {
        String host = http.getRemoteAddr();
        return host == null ? null : host + ":" + http.getRemotePort();
    }

    private void checkOrigin(HttpServletRequest http) {
        String origin = http.getHeader("Origin");
        if (origin != null && !origin.isBlank() && !origins.allowed(origin)) {
            throw new WebApplicationException(
                    Problem.response(Response.Status.FORBIDDEN, "origin " + origin + " is not allowed", null));
        }
    }

    private void release(String user) {
        perUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    private static WebApplicationException unauthorized(String detail) {
        return new WebApplicationException(
                Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, detail, null))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"switchboard\"")
                        .build());
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
