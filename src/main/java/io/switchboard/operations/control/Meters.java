package io.switchboard.operations.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Every Switchboard meter, registered once (the connections' in {@link ConnectionMeters}, behind this class's methods), with low-cardinality tags only (endpoint, frame type, close code, reason:
 * never a user or a room). The hot paths (a frame queued, a message decoded) index arrays of counters that are
 * created on first use; no meter is looked up by name per frame. A plain object, so the send path holds it directly
 * and unit tests build it over any registry.
 */
public final class Meters {

    /** The endpoints, as the {@code endpoint} tag: {@code chat} ({@code /ws/chat}) and {@code notifications}. */
    public static final List<String> ENDPOINTS = List.of("chat", "notifications");

    public static final int CHAT = 0;
    public static final int NOTIFICATIONS = 1;

    /**
     * The frame types the server sends, as the {@code type} tag of {@code switchboard_frames_out_total}; anything
     * else counts as {@code other} (a unit test checks that every event type of both protocols is listed).
     */
    public static final List<String> FRAME_TYPES = List.of(
            "welcome",
            "error",
            "joined",
            "left",
            "message",
            "ack",
            "presence",
            "occupancy",
            "members",
            "typing",
            "direct",
            "history",
            "pong",
            "notification",
            "replayed",
            "unread",
            "read",
            "subscribed",
            "unsubscribed",
            "other");

    private static final Map<String, Integer> FRAME_TYPE_INDEX = index(FRAME_TYPES);
    private static final int OTHER = FRAME_TYPES.size() - 1;

    /**
     * The close codes counted by their number; any other code a client sends counts as {@code other}, so a client
     * cannot make new series.
     */
    static final List<Integer> CLOSE_CODES = List.of(
            1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 4000, 4001, 4002, 4003, 4004);

    /** Who closed a connection, as the {@code initiator} tag. */
    public enum Initiator {
        /** Switchboard closed it (a limit, a refusal, heartbeat, shutdown). */
        SERVER,
        /** The client closed it, or the connection broke (1006). */
        CLIENT;

        String tag() {
            return name().toLowerCase();
        }
    }

    /** Why a handshake was refused, as the {@code reason} tag of {@code switchboard_handshakes_refused_total}. */
    public enum Refusal {
        /** A browser origin not on the allow-list (HTTP 403). */
        ORIGIN,
        /** No, a bad, expired, used or revoked credential (close 1008). */
        CREDENTIAL,
        /** The node has as many connections as it accepts (close 1013). */
        CONNECTION_LIMIT,
        /** The user has as many connections as one user may (close 1008). */
        USER_CONNECTION_LIMIT,
        /** A bad request parameter such as {@code since} (close 1008). */
        BAD_REQUEST,
        /** The node is draining (for the drain that refuses new handshakes). */
        DRAINING,
        /** A handshake that breaks RFC 6455 §4: not a GET, another version, a malformed key (HTTP 400/426). */
        MALFORMED;

        public String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;
    private final ConnectionMeters connections;
    private final Counter[][] framesOut = new Counter[ENDPOINTS.size()][FRAME_TYPES.size()];
    private final Counter[][] bytesOut = new Counter[ENDPOINTS.size()][FRAME_TYPES.size()];
    private final Map<String, Inbound> inbound = new ConcurrentHashMap<>();
    private final Map<String, Counter> errorFrames = new ConcurrentHashMap<>();
    private final Counter rateLimitedConnection;
    private final Counter rateLimitedUser;
    private final Timer fanout;
    private final Counter notificationsPublished;
    private final Counter notificationsDelivered;
    private final Counter notificationsReplayed;
    private final Counter chatPosts;
    private final Counter chatDuplicates;

    public Meters(MeterRegistry registry) {
        this.registry = registry;
        this.connections = new ConnectionMeters(registry);
        rateLimitedConnection = rateLimited("connection");
        rateLimitedUser = rateLimited("user");
        fanout = Timer.builder("switchboard.fanout")
                .description("From a publication to the last receiver's frame queued (one per broadcast)")
                .serviceLevelObjectives(durations(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000))
                .register(registry);
        notificationsPublished = counter("switchboard.notifications.published", "Notifications stored and published");
        notificationsDelivered =
                counter("switchboard.notifications.delivered", "Notification frames pushed live to a connection");
        notificationsReplayed = counter(
                "switchboard.notifications.replayed", "Notification frames replayed from the inbox on (re)connect");
        chatPosts = counter("switchboard.chat.posts", "Chat messages stored (room posts and direct messages)");
        chatDuplicates = counter("switchboard.chat.duplicates", "Chat posts retried with a client id already stored");
    }

    /** Meters that record nothing (a registry without children), for code running outside a deployment. */
    public static Meters none() {
        return new Meters(new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
    }

    /** The registry the meters are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The index of an {@code endpoint} tag, from a WebSocket request path. */
    public static int endpointOf(String path) {
        return path != null && path.endsWith("/notifications") ? NOTIFICATIONS : CHAT;
    }

    /** The index of a frame type, {@code other} for an unknown one (looked up once per frame, not per receiver). */
    public static int frameType(String type) {
        Integer index = type == null ? null : FRAME_TYPE_INDEX.get(type);
        return index == null ? OTHER : index;
    }

    /** Registers the gauge of users with at least one connection. */
    public void usersOnline(IntSupplier users) {
        connections.usersOnline(users);
    }

    public void opened(int endpoint) {
        connections.opened(endpoint);
    }

    public void closed(int endpoint, int code, Initiator initiator) {
        connections.closed(endpoint, code, initiator);
    }

    public void refused(Refusal reason) {
        connections.refused(reason);
    }

    /** One frame queued for a client of {@code endpoint}: {@code type} from {@link #frameType}, payload bytes. */
    public void frameOut(int endpoint, int type, int bytes) {
        framesOut(endpoint, type, bytes, 1);
    }

    /** {@code count} frames of one broadcast, each of {@code bytes} payload bytes, queued for clients of {@code endpoint}. */
    public void framesOut(int endpoint, int type, int bytes, int count) {
        Counter frames = framesOut[endpoint][type];
        if (frames == null) {
            frames = tagged("switchboard.frames.out", "Frames queued for clients", endpoint, type, null);
            framesOut[endpoint][type] = frames;
        }
        Counter payload = bytesOut[endpoint][type];
        if (payload == null) {
            payload = tagged(
                    "switchboard.frames.out.bytes",
                    "Payload bytes of frames queued for clients",
                    endpoint,
                    type,
                    "bytes");
            bytesOut[endpoint][type] = payload;
        }
        frames.increment(count);
        payload.increment((double) bytes * count);
    }

    private Counter tagged(String name, String description, int endpoint, int type, String unit) {
        return Counter.builder(name)
                .description(description)
                .baseUnit(unit)
                .tag("endpoint", ENDPOINTS.get(endpoint))
                .tag("type", FRAME_TYPES.get(type))
                .register(registry);
    }

    /** The inbound meters of one endpoint's message types (each decoder asks once). */
    public Inbound inbound(String endpoint, List<String> types) {
        return inbound.computeIfAbsent(endpoint, e -> new Inbound(registry, e, types));
    }

    /** An error frame sent, by its {@code code} (a fixed set: the protocol's error codes). */
    public void errorFrame(String code) {
        errorFrames
                .computeIfAbsent(
                        code,
                        c -> Counter.builder("switchboard.error.frames")
                                .description("Error frames sent, by error code")
                                .tag("code", c)
                                .register(registry))
                .increment();
    }

    /** A client message dropped by a rate limit: the connection's, or the user's over all their connections. */
    public void rateLimited(boolean perUser) {
        (perUser ? rateLimitedUser : rateLimitedConnection).increment();
    }

    public void fanout(long nanos) {
        fanout.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void heartbeatRoundTrip(long nanos) {
        connections.heartbeatRoundTrip(nanos);
    }

    /** The send queues as the heartbeat sweep found them: the longest, and all frames waiting. */
    public void sendQueues(int longest, long frames) {
        connections.sendQueues(longest, frames);
    }

    public void notificationPublished() {
        notificationsPublished.increment();
    }

    public void notificationDelivered() {
        notificationsDelivered.increment();
    }

    public void notificationReplayed() {
        notificationsReplayed.increment();
    }

    public void chatPosted(boolean duplicate) {
        (duplicate ? chatDuplicates : chatPosts).increment();
    }

    private Counter rateLimited(String scope) {
        return Counter.builder("switchboard.rate.limited")
                .description("Client messages dropped by a rate limit, by the limit's scope")
                .tag("scope", scope)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    static Duration[] durations(double... millis) {
        Duration[] result = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            result[i] = Duration.ofNanos((long) (millis[i] * 1_000_000));
        }
        return result;
    }

    private static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> result = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            result.put(names.get(i), i);
        }
        return Map.copyOf(result);
    }

    /**
     * The messages clients send to one endpoint, by type, with their payload bytes; {@code invalid} for a message
     * that could not be decoded.
     */
    public static final class Inbound {
        private final List<String> types;
        private final Counter[] messages;
        private final Counter[] bytes;

        Inbound(MeterRegistry registry, String endpoint, List<String> types) {
            this.types = List.copyOf(types);
            int n = types.size() + 1;
            messages = new Counter[n];
            bytes = new Counter[n];
            for (int i = 0; i < n; i++) {
                String type = i < types.size() ? types.get(i) : "invalid";
                messages[i] = Counter.builder("switchboard.messages.in")
                        .description("Messages received from clients")
                        .tag("endpoint", endpoint)
                        .tag("type", type)
                        .register(registry);
                bytes[i] = Counter.builder("switchboard.messages.in.bytes")
                        .description("Payload bytes of messages received from clients")
                        .baseUnit("bytes")
                        .tag("endpoint", endpoint)
                        .tag("type", type)
                        .register(registry);
            }
        }

        /** The index of a message type; {@link #invalid()} for one not in the list. */
        public int indexOf(String type) {
            int index = types.indexOf(type);
            return index < 0 ? types.size() : index;
        }

        public int invalid() {
            return types.size();
        }

        public void received(int type, int payloadBytes) {
            messages[type].increment();
            bytes[type].increment(payloadBytes);
        }
    }
}
