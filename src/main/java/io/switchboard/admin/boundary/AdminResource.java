package io.switchboard.admin.boundary;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.broker.Subscriptions;
import io.switchboard.broker.Topic;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Metrics;
import io.switchboard.presence.control.Presence;
import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.Fields;
import io.switchboard.rest.Problem;
import io.switchboard.security.boundary.Caller;
import io.switchboard.websocket.Close;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.Drain;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an administrator sees and does on this node (admin role; 401 without a credential, 403 without the role):
 * its connections (filtered by user), the users online, the rooms with users present, closing a connection or all
 * of a user's connections (4004, with the administrator's reason), and the graceful drain (1012).
 */
@Path("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** The most connections one listing returns; {@code total} says how many match. */
    static final int MAX_LISTED = 1_000;

    @Inject
    Connections connections;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Presence presence;

    @Inject
    Drain drain;

    @Inject
    SwitchboardConfig config;

    @Inject
    Metrics metrics;

    @Inject
    Clock clock;

    @Context
    SecurityContext caller;

    /** One open connection: its endpoint ({@code /ws/chat}, {@code /ws/notifications}) and the rooms it joined. */
    public record ConnectionView(String id, String user, String endpoint, List<String> rooms) {}

    public record ConnectionList(int total, List<ConnectionView> connections) {}

    public record UserView(String user, int connections) {}

    public record RoomView(String room, int online) {}

    public record Closed(int closed) {}

    /**
     * The admin page's figures: {@code at} (epoch ms), connections and users now, and running totals since the node
     * started (messages received, frames sent, closes by code), which the page turns into rates.
     */
    public record Stats(
            long at,
            int connections,
            int users,
            double messagesIn,
            double framesOut,
            Map<String, Long> closes,
            boolean draining) {}

    /** {@code {"windowSeconds":30}}; no body or no field: {@code switchboard.drain.window}. */
    public record DrainRequest(
            @Min(value = 0, message = WINDOW_RULE) @Max(value = 3_600, message = WINDOW_RULE)
            Integer windowSeconds) {}

    static final String WINDOW_RULE = "must be a whole number of seconds between 0 and 3600";

    public record DrainView(boolean draining, Instant startedAt, Double windowSeconds, int total, int remaining) {
        static DrainView of(Drain.Status status) {
            return new DrainView(
                    status.draining(),
                    status.startedAt(),
                    status.window() == null ? null : status.window().toMillis() / 1000.0,
                    status.total(),
                    status.remaining());
        }
    }

    /** This node's connections, sorted by user; {@code ?user=alice}: only hers. */
    @GET
    @Path("connections")
    public ConnectionList connections(@QueryParam("user") @Fields.UserName String user) {
        requireAdmin();
        List<ConnectionView> all = (user == null ? connections.all() : connections.ofUser(user))
                .stream()
                        .map(this::view)
                        .sorted(Comparator.comparing(ConnectionView::user).thenComparing(ConnectionView::id))
                        .toList();
        return new ConnectionList(all.size(), all.subList(0, Math.min(all.size(), MAX_LISTED)));
    }

    /** The figures of the admin page (the same meters as {@code /api/metrics}). */
    @GET
    @Path("stats")
    public Stats stats() {
        requireAdmin();
        MeterRegistry registry = metrics.meters().registry();
        Map<String, Long> closes = new TreeMap<>();
        registry.find("switchboard.closes")
                .counters()
                .forEach(c -> closes.merge(c.getId().getTag("code"), Math.round(c.count()), Long::sum));
        Collection<Connection> open = connections.all();
        return new Stats(
                clock.millis(),
                open.size(),
                (int) open.stream().map(Connection::userId).distinct().count(),
                total(registry, "switchboard.messages.in"),
                total(registry, "switchboard.frames.out"),
                closes,
                drain.draining());
    }

    private static double total(MeterRegistry registry, String counter) {
        return registry.find(counter).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** The users with at least one connection to this node, and how many each. */
    @GET
    @Path("users")
    public List<UserView> users() {
        requireAdmin();
        Map<String, Integer> counts = new TreeMap<>();
        connections.all().forEach(c -> counts.merge(c.userId(), 1, Integer::sum));
        return counts.entrySet().stream()
                .map(e -> new UserView(e.getKey(), e.getValue()))
                .toList();
    }

    /** Rooms with users present, and how many users each. */
    @GET
    @Path("rooms")
    public List<RoomView> rooms() {
        requireAdmin();
        return new TreeMap<>(presence.occupancy())
                .entrySet().stream()
                        .map(e -> new RoomView(e.getKey(), e.getValue()))
                        .toList();
    }

    /** Closes one connection with 4004 and the reason given; 404 when this node has no such connection. */
    @DELETE
    @Path("connections/{id}")
    public Response close(@PathParam("id") String id, @QueryParam("reason") @Size(max = 100) String reason) {
        requireAdmin();
        if (!connections.close(id, closedByAdmin(reason))) {
            throw new NotFoundException(
                    Problem.response(Response.Status.NOT_FOUND, "no open connection '" + id + "' on this node", null));
        }
        return Response.noContent().build();
    }

    /** Closes every connection of a user on this node with 4004 and the reason given. */
    @DELETE
    @Path("users/{user}/connections")
    public Closed closeUser(
            @PathParam("user") @Fields.UserName String user, @QueryParam("reason") @Size(max = 100) String reason) {
        requireAdmin();
        return new Closed(connections.closeUser(user, closedByAdmin(reason)));
    }

    /** The drain under way, if any. */
    @GET
    @Path("drain")
    public DrainView drainStatus() {
        requireAdmin();
        return DrainView.of(drain.status());
    }

    /** Starts a drain (202); one already under way goes on unchanged. */
    @POST
    @Path("drain")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response startDrain(DrainRequest request) {
        requireAdmin();
        if (request != null) {
            Constraints.check(request);
        }
        Duration window = request == null || request.windowSeconds() == null
                ? config.drainWindow()
                : Duration.ofSeconds(request.windowSeconds());
        return Response.accepted(DrainView.of(drain.start(window))).build();
    }

    /** Ends a drain: the node accepts connections again (a cancelled deploy). */
    @DELETE
    @Path("drain")
    public DrainView stopDrain() {
        requireAdmin();
        return DrainView.of(drain.stop());
    }

    private ConnectionView view(Connection connection) {
        return new ConnectionView(
                connection.id(),
                connection.userId(),
                connection.endpoint(),
                subscriptions.topicsOf(connection).stream()
                        .map(Topic.Room::name)
                        .sorted()
                        .toList());
    }

    private static jakarta.websocket.CloseReason closedByAdmin(String reason) {
        return reason == null || reason.isBlank()
                ? Close.CLOSED_BY_ADMIN.reason()
                : Close.CLOSED_BY_ADMIN.reason("closed by an administrator: " + reason);
    }

    private void requireAdmin() {
        Caller.requireRole(caller, config.adminRole());
    }
}
