package io.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * Every tunable of Switchboard, read once at start-up. Each key is looked up as a system property
 * ({@code switchboard.heartbeat.interval}) and then as an environment variable
 * ({@code SWITCHBOARD_HEARTBEAT_INTERVAL}); the README lists keys and defaults.
 */
@ApplicationScoped
public class SwitchboardConfig {

    private final Duration heartbeatInterval = Duration.ofSeconds(integer("switchboard.heartbeat.interval", 25));
    private final Duration heartbeatTimeout = Duration.ofSeconds(integer("switchboard.heartbeat.timeout", 60));
    private final int maxTextMessageBytes = integer("switchboard.limits.max-text", 65_536);
    private final int maxBinaryMessageBytes = integer("switchboard.limits.max-binary", 1_024);
    private final int maxStrikes = integer("switchboard.limits.max-strikes", 10);
    private final Duration strikeWindow = Duration.ofSeconds(integer("switchboard.limits.strike-window", 60));
    private final int maxPendingFrames = integer("switchboard.limits.max-pending-frames", 4_096);
    private final int historySize = integer("switchboard.chat.history-size", 50);
    private final int largeRoom = integer("switchboard.presence.large-room", 200);
    private final int memberPageSize = Math.max(1, Math.min(200, integer("switchboard.presence.page-size", 100)));
    private final int occupancyNames = Math.max(0, Math.min(200, integer("switchboard.presence.occupancy-names", 50)));
    private final Duration occupancyInterval =
            Duration.ofMillis(Math.max(100, integer("switchboard.presence.occupancy-interval-ms", 1_000)));
    private final Duration notificationRetention =
            Duration.ofDays(integer("switchboard.notifications.retention-days", 30));
    private final Duration purgeInterval = Duration.ofSeconds(integer("switchboard.notifications.purge-interval", 300));
    private final String jwtSecret = string("switchboard.auth.jwt.secret", "");
    private final String jwtPublicKey = string("switchboard.auth.jwt.public-key", "");
    private final String jwtIssuer = string("switchboard.auth.jwt.issuer", "switchboard");
    private final String jwtAudience = string("switchboard.auth.jwt.audience", "");
    private final String rolesClaim = string("switchboard.auth.jwt.roles-claim", "groups");
    private final boolean devLogin = Boolean.parseBoolean(string("switchboard.auth.dev-login", "false"));
    private final Duration devTokenLifetime = Duration.ofSeconds(integer("switchboard.auth.dev-token-lifetime", 3_600));
    private final Duration ticketLifetime = Duration.ofSeconds(integer("switchboard.auth.ticket-lifetime", 30));
    private final String publisherRole = string("switchboard.auth.publisher-role", "publisher");
    private final String adminRole = string("switchboard.auth.admin-role", "admin");
    private final List<String> allowedOrigins = List.of(string(
                    "switchboard.security.allowed-origins",
                    "http://localhost:*,http://127.0.0.1:*,https://localhost:*,https://127.0.0.1:*")
            .split("\\s*,\\s*"));
    private final int messagesPerSecond = integer("switchboard.limits.messages-per-second", 20);
    private final int userMessagesPerSecond = integer("switchboard.limits.user-messages-per-second", 50);
    private final int maxDropped = integer("switchboard.limits.max-dropped", 100);
    private final int connectionsPerUser = integer("switchboard.limits.connections-per-user", 16);
    private final int maxConnections = integer("switchboard.limits.connections", 20_000);
    private final int streamsPerUser = integer("switchboard.sse.streams-per-user", 4);
    private final Duration drainWindow = Duration.ofSeconds(integer("switchboard.drain.window", 30));
    private final Duration drainRetryAfter = Duration.ofSeconds(integer("switchboard.drain.retry-after", 5));
    private final Duration shutdownDrainWindow =
            Duration.ofMillis(integer("switchboard.drain.shutdown-window-ms", 2_000));
    private final boolean metricsEnabled = Boolean.parseBoolean(string("switchboard.metrics.enabled", "true"));
    private final boolean sendOnIoThreads = Boolean.parseBoolean(string("switchboard.send.io-threads", "true"));
    private final String metricsToken = string("switchboard.metrics.token", "");
    private final Duration readinessTimeout = Duration.ofMillis(integer("switchboard.health.ready-timeout-ms", 2_000));
    private final String redisUri = string("switchboard.cluster.redis-uri", "");
    private final String nodeId = string(
            "switchboard.cluster.node-id",
            "node-" + java.util.UUID.randomUUID().toString().substring(0, 8));
    private final String keyPrefix = string("switchboard.cluster.key-prefix", "switchboard:");
    private final Duration canaryInterval = Duration.ofSeconds(integer("switchboard.cluster.canary-interval", 2));
    private final Duration canaryTimeout = Duration.ofSeconds(integer("switchboard.cluster.canary-timeout", 6));
    private final Duration repairInterval = Duration.ofSeconds(integer("switchboard.cluster.repair-interval", 30));
    private final Duration redisTimeout = Duration.ofSeconds(integer("switchboard.cluster.command-timeout", 2));
    private final Duration revocationTtl = Duration.ofSeconds(integer("switchboard.cluster.revocation-ttl", 86_400));

    /** How long a connection may be silent before the server pings it. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long a connection may stay silent (no frame, no pong) before the server closes it. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** Largest text message accepted; larger ones close the connection with 1009. */
    public int maxTextMessageBytes() {
        return maxTextMessageBytes;
    }

    /** Largest binary message buffered before it is refused (binary frames are refused with 1003 anyway). */
    public int maxBinaryMessageBytes() {
        return maxBinaryMessageBytes;
    }

    /** Bad messages tolerated within {@link #strikeWindow()} before the connection is closed with 1008. */
    public int maxStrikes() {
        return maxStrikes;
    }

    public Duration strikeWindow() {
        return strikeWindow;
    }

    /** Frames that may wait for one connection's socket before it is closed as a slow consumer. */
    public int maxPendingFrames() {
        return maxPendingFrames;
    }

    /** Messages a client receives from a room's history when it joins. */
    public int historySize() {
        return historySize;
    }

    /**
     * Users present in a room above which the room is large: its members get {@code occupancy} frames (the count
     * and the batched changes, at most one per {@link #occupancyInterval()}) instead of one {@code presence} frame
     * per arrival or departure, and {@code joined} carries only the first page of the member list.
     */
    public int largeRoom() {
        return largeRoom;
    }

    /**
     * Users in the first page of a large room's member list in {@code joined} and the default page of
     * {@code members} (1 to 200).
     */
    public int memberPageSize() {
        return memberPageSize;
    }

    /**
     * The most users one {@code occupancy} frame names as joined or left (0 to 200); when more changed it names none
     * and is {@code truncated}.
     */
    public int occupancyNames() {
        return occupancyNames;
    }

    /** The shortest time between two {@code occupancy} frames of one room from one node (100 ms at least). */
    public Duration occupancyInterval() {
        return occupancyInterval;
    }

    /** How long a notification stays in a user's inbox (read or not) before it is purged. */
    public Duration notificationRetention() {
        return notificationRetention;
    }

    /** How often expired and retired notifications are purged. */
    public Duration purgeInterval() {
        return purgeInterval;
    }

    /** Shared secret (at least 32 bytes) for HS256 tokens; empty when tokens are signed with a private key. */
    public String jwtSecret() {
        return jwtSecret;
    }

    /** Path of a PEM public key (RSA or EC) that verifies RS256/ES256 tokens; empty when a shared secret is used. */
    public String jwtPublicKey() {
        return jwtPublicKey;
    }

    /** The {@code iss} every token must carry. */
    public String jwtIssuer() {
        return jwtIssuer;
    }

    /** The {@code aud} every token must carry; empty to accept any audience. */
    public String jwtAudience() {
        return jwtAudience;
    }

    /** The claim holding the user's roles (an array of strings); MicroProfile JWT calls it {@code groups}. */
    public String rolesClaim() {
        return rolesClaim;
    }

    /** Whether anyone may sign in with just a name ({@code POST /api/auth/dev-login}): development only. */
    public boolean devLogin() {
        return devLogin;
    }

    public Duration devTokenLifetime() {
        return devTokenLifetime;
    }

    /** How long a one-time WebSocket ticket stays valid. */
    public Duration ticketLifetime() {
        return ticketLifetime;
    }

    /** The role needed to publish notifications over REST. */
    public String publisherRole() {
        return publisherRole;
    }

    /** The role that may manage any room and revoke users. */
    public String adminRole() {
        return adminRole;
    }

    /** Origins browsers may open WebSockets from; an entry may end in {@code :*} (any port), {@code *} allows all. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Messages one connection may send per second (bursts of twice that are absorbed). */
    public int messagesPerSecond() {
        return messagesPerSecond;
    }

    /** Messages one user may send per second over all their connections on this node. */
    public int userMessagesPerSecond() {
        return userMessagesPerSecond;
    }

    /**
     * Messages dropped for going over a rate limit that a connection may send within {@link #strikeWindow()} before
     * it is closed with 1008 (a client that keeps flooding); a short burst is only slowed down.
     */
    public int maxDropped() {
        return maxDropped;
    }

    /** Open connections one user may have on this node. */
    public int connectionsPerUser() {
        return connectionsPerUser;
    }

    /**
     * Open Server-Sent Events streams of one user on this node (the fallback transport); more are answered with 429.
     * Browsers open about 6 HTTP/1.1 connections per host: the streams must leave room for the POSTs.
     */
    public int streamsPerUser() {
        return streamsPerUser;
    }

    /** Open connections this node accepts; beyond that new ones are closed with 1013. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Over how long a drain started without a window closes this node's connections (1012). */
    public Duration drainWindow() {
        return drainWindow;
    }

    /** The longest a client closed by a drain should wait before reconnecting (the close reason's {@code retry-after}). */
    public Duration drainRetryAfter() {
        return drainRetryAfter;
    }

    /** Over how long an undeploy or a server shutdown closes the connections (1012) before the rest are cut. */
    public Duration shutdownDrainWindow() {
        return shutdownDrainWindow;
    }

    /** Whether meters record and {@code /api/metrics} serves them (off: every meter is a no-op, 404). */
    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    /**
     * Whether, on WildFly, a connection's frames are queued and written on the I/O thread that owns its socket
     * rather than on one of Switchboard's send loops (which hand each frame over to that thread).
     */
    public boolean sendOnIoThreads() {
        return sendOnIoThreads;
    }

    /**
     * A token a scraper may send as {@code Authorization: Bearer <token>} to read {@code /api/metrics} without a
     * user; empty when only the admin role may.
     */
    public String metricsToken() {
        return metricsToken;
    }

    /** How long the readiness probe waits for the database before it reports it DOWN. */
    public Duration readinessTimeout() {
        return readinessTimeout;
    }

    /**
     * Cluster mode: the Redis every node shares ({@code redis://127.0.0.1:6379}) for the bus between nodes, tickets,
     * revocations and per-user limits; empty (the default) for a single node, all in this JVM's memory.
     */
    public String redisUri() {
        return redisUri;
    }

    /** Whether cluster mode is on ({@link #redisUri()} is set). */
    public boolean clustered() {
        return !redisUri.isEmpty();
    }

    /** This node's name on the bus and in its Redis entries; random unless set. */
    public String nodeId() {
        return nodeId;
    }

    /** Prefix of every Redis key and channel of Switchboard, so several deployments can share one Redis. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** How often each node sends itself a canary through the bus. */
    public Duration canaryInterval() {
        return canaryInterval;
    }

    /** The bus is unhealthy when this node's last canary came back longer ago than this. */
    public Duration canaryTimeout() {
        return canaryTimeout;
    }

    /** How often a node checks its notification streams against the database for publications the bus lost. */
    public Duration repairInterval() {
        return repairInterval;
    }

    /** How long a Redis command may take before it fails (and a ticket, say, is refused with 503). */
    public Duration redisTimeout() {
        return redisTimeout;
    }

    /** How long Redis keeps a revocation for nodes that missed it on the bus (the database keeps it for good). */
    public Duration revocationTtl() {
        return revocationTtl;
    }

    /** How often presence and connection leases are renewed: half the heartbeat interval or timeout, 250 ms at least. */
    public Duration leaseRenewal() {
        return Duration.ofMillis(
                Math.max(250, Math.min(heartbeatInterval.toMillis(), heartbeatTimeout.toMillis()) / 2));
    }

    static String string(String key, String defaultValue) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    static int integer(String key, int defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Configuration " + key + " must be a whole number, was: " + value, e);
        }
    }
}
