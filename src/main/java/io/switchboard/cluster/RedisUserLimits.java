package io.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.switchboard.broker.SharedStateUnavailable;
import io.switchboard.config.Ticker;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.UserLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Per-user limits over all nodes, on top of this node's own ({@code local}, still applied first).
 * <ul>
 *   <li>Connections: a sorted set per user of connection leases ({@code node/connection} → expiry, Redis time); a
 *       connection is admitted by a script that drops expired leases and adds one only below the limit. Each node
 *       renews its connections' leases every lease period and removes them on close, so a node that dies stops
 *       counting within one lease time.
 *   <li>Messages: a counter per user over a fixed window started by the first message; a message is never held up
 *       for Redis (the count is sent asynchronously), and once the counter is over the limit this node drops the
 *       user's messages until the window ends. So the limit is approximate: messages in flight when it is reached
 *       still pass.
 * </ul>
 * When Redis cannot be reached, only the local limits apply (a warning says so, once a minute at most).
 */
public final class RedisUserLimits implements UserLimits {

    private static final Logger LOG = Logger.getLogger(RedisUserLimits.class.getName());

    private static final String NOW_MS =
            "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";
    private static final String OPEN = NOW_MS
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) "
            + "if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end "
            + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1";
    private static final String RENEW = NOW_MS
            + "for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";
    private static final String COUNT = "local c = redis.call('INCR', KEYS[1]) "
            + "if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
            + "return {c, redis.call('PTTL', KEYS[1])}";

    private final RedisNode node;
    private final UserLimits local;
    private final int connectionsPerUser;
    private final int messagesPerWindow;
    private final Duration window;
    private final Duration lease;
    private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final AtomicLong lastWarning;

    /**
     * @param messagesPerWindow messages one user may send over all nodes within {@code window}
     * @param lease how long a connection counts without being renewed
     */
    public RedisUserLimits(
            RedisNode node,
            UserLimits local,
            int connectionsPerUser,
            int messagesPerWindow,
            Duration window,
            Duration lease) {
        this(node, local, connectionsPerUser, messagesPerWindow, window, lease, Ticker.SYSTEM);
    }

    /** @param ticker what the rate limit's blocks and the warnings' spacing are measured on */
    public RedisUserLimits(
            RedisNode node,
            UserLimits local,
            int connectionsPerUser,
            int messagesPerWindow,
            Duration window,
            Duration lease,
            Ticker ticker) {
        this.ticker = ticker;
        this.lastWarning = new AtomicLong(ticker.nanos() - Duration.ofMinutes(2).toNanos());
        this.node = node;
        this.local = local;
        this.connectionsPerUser = connectionsPerUser;
        this.messagesPerWindow = messagesPerWindow;
        this.window = window;
        this.lease = lease;
    }

    @Override
    public boolean tryOpen(String user, String connectionId, int openHere) {
        if (!local.tryOpen(user, connectionId, openHere)) {
            return false;
        }
        try {
            Long admitted = node.call(redis -> redis.eval(
                    OPEN,
                    ScriptOutputType.INTEGER,
                    new String[] {connectionsKey(user)},
                    member(connectionId),
                    Integer.toString(connectionsPerUser),
                    Long.toString(lease.toMillis())));
            return admitted != null && admitted == 1L;
        } catch (SharedStateUnavailable e) {
            warn("connections", e);
            return true;
        }
    }

    @Override
    public void closed(String user, String connectionId, boolean lastHere) {
        local.closed(user, connectionId, lastHere);
        try {
            node.async().zrem(connectionsKey(user), member(connectionId));
        } catch (SharedStateUnavailable e) {
            warn("connections", e); // the lease expires by itself
        }
    }

    @Override
    public boolean tryMessage(String user) {
        if (!local.tryMessage(user)) {
            return false;
        }
        Long until = blockedUntil.get(user);
        if (until != null) {
            if (ticker.nanos() - until < 0) {
                return false;
            }
            blockedUntil.remove(user, until);
        }
        try {
            node.async()
                    .<List<Long>>eval(
                            COUNT,
                            ScriptOutputType.MULTI,
                            new String[] {node.key("rate", user)},
                            Long.toString(window.toMillis()))
                    .thenAccept(reply -> {
                        if (reply.get(0) > messagesPerWindow) {
                            blockedUntil.put(
                                    user,
                                    ticker.nanos()
                                            + Duration.ofMillis(Math.max(1, reply.get(1)))
                                                    .toNanos());
                        }
                    });
        } catch (SharedStateUnavailable e) {
            warn("messages", e);
        }
        return true;
    }

    @Override
    public void renew(Collection<Connection> alive) {
        Map<String, List<Connection>> byUser = alive.stream().collect(Collectors.groupingBy(Connection::userId));
        try {
            byUser.forEach((user, connections) -> {
                List<String> args = new ArrayList<>(connections.size() + 1);
                args.add(Long.toString(lease.toMillis()));
                connections.forEach(c -> args.add(member(c.id())));
                node.async()
                        .eval(
                                RENEW,
                                ScriptOutputType.INTEGER,
                                new String[] {connectionsKey(user)},
                                args.toArray(String[]::new));
            });
        } catch (SharedStateUnavailable e) {
            warn("connections", e);
        }
    }

    private String connectionsKey(String user) {
        return node.key("connections", user);
    }

    private String member(String connectionId) {
        return node.nodeId() + "/" + connectionId;
    }

    private void warn(String what, SharedStateUnavailable e) {
        long now = ticker.nanos();
        long last = lastWarning.get();
        if (now - last > Duration.ofMinutes(1).toNanos() && lastWarning.compareAndSet(last, now)) {
            LOG.log(
                    Level.WARNING,
                    "Per-user {0} limits counted on this node only while Redis is unavailable: {1}",
                    new Object[] {what, e.getMessage()});
        }
    }
}
