package io.switchboard.cluster;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.switchboard.broker.SharedStateUnavailable;
import io.switchboard.config.Ticker;
import io.switchboard.presence.control.Presence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence over all nodes, in Redis. Per room a hash of connections ({@code node/connection} → user) and a hash of
 * users (user → connections), changed only by scripts, so "first connection of the user in the room" and "last one"
 * are decided once for the whole cluster: each arrival and departure is announced by exactly one node.
 *
 * <p>Leases: each node holds a node lease ({@code presence:alive:<node>}, {@code PX} three renewal periods, renewed at
 * every renewal) and lists its entries in a set of its own. A live node drops its own lapsed connections (as on a
 * single node); every node, at every renewal, sweeps the entries of nodes whose lease lapsed in one script, so a
 * node that died (kill -9) has its users leave within its lease and one renewal period (two heartbeat intervals),
 * announced by whichever node's sweep ran first. A user who reconnects to another node before that never leaves.
 * A node whose entries were swept while it lived (paused longer than its lease, or Redis restarted) enters them
 * again at its next renewal; users for whom that is a new arrival are announced again.
 *
 * <p>Besides the users hash, a sorted set of the users' names per room (all scores 0, so ordered by name) serves
 * pages of large rooms' member lists ({@code ZRANGE BYLEX}), changed by the same scripts.
 *
 * <p>While Redis cannot be reached, arrivals and departures are decided by this node's connections alone and the
 * member list is this node's (a warning says so, once a minute at most).
 */
public final class RedisPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class.getName());

    /**
     * KEYS: conns, users, rooms, node entries, node lease, nodes, names; ARGV: field, user, room, entry, node, lease
     * ms.
     */
    private static final String ENTER = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end "
            + "redis.call('SADD', KEYS[3], ARGV[3]) redis.call('SADD', KEYS[4], ARGV[4]) "
            + "redis.call('SET', KEYS[5], '1', 'PX', ARGV[6]) redis.call('SADD', KEYS[6], ARGV[5]) "
            + "if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then redis.call('ZADD', KEYS[7], 0, ARGV[2]) "
            + "return 1 end return 0";
    /** KEYS: conns, users, rooms, node entries, names; ARGV: field, user, room, entry. */
    private static final String LEAVE = "if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end "
            + "redis.call('SREM', KEYS[4], ARGV[4]) "
            + "if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) > 0 then return 0 end "
            + "redis.call('HDEL', KEYS[2], ARGV[2]) redis.call('ZREM', KEYS[5], ARGV[2]) "
            + "if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[3]) end return 1";
    /** KEYS: node lease, nodes, node entries; ARGV: node, lease ms. Returns how many entries the node has. */
    private static final String RENEW = "redis.call('SET', KEYS[1], '1', 'PX', ARGV[2]) "
            + "redis.call('SADD', KEYS[2], ARGV[1]) return redis.call('SCARD', KEYS[3])";
    /** KEYS: nodes; ARGV: key prefix. Returns room, user, room, user... of the users who left. */
    private static final String SWEEP = "local p = ARGV[1] local gone = {} "
            + "for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do "
            + " if redis.call('EXISTS', p .. 'presence:alive:' .. node) == 0 then "
            + "  local entries = p .. 'presence:node:' .. node "
            + "  for _, e in ipairs(redis.call('SMEMBERS', entries)) do "
            + "   local i = string.find(e, '\\n', 1, true) "
            + "   local room = string.sub(e, 1, i - 1) local conns = p .. 'presence:conns:' .. room "
            + "   local field = node .. '/' .. string.sub(e, i + 1) "
            + "   local user = redis.call('HGET', conns, field) "
            + "   if user then redis.call('HDEL', conns, field) local users = p .. 'presence:users:' .. room "
            + "    if redis.call('HINCRBY', users, user, -1) <= 0 then redis.call('HDEL', users, user) "
            + "     redis.call('ZREM', p .. 'presence:names:' .. room, user) "
            + "     if redis.call('HLEN', users) == 0 then redis.call('SREM', p .. 'presence:rooms', room) end "
            + "     table.insert(gone, room) table.insert(gone, user) end end end "
            + "  redis.call('DEL', entries) redis.call('SREM', KEYS[1], node) end end return gone";

    private final RedisNode node;
    private final String prefix;
    private final Duration lease;
    private final long connectionTtlNanos;
    /** This node's connections in rooms: connection → its user, rooms and lease deadline. */
    private final Map<String, Local> local = new ConcurrentHashMap<>();

    private final List<Arrival> reinstated = new ArrayList<>();
    private final Ticker ticker;
    private long lastWarning;

    private static final class Local {
        final String user;
        final Set<String> rooms = ConcurrentHashMap.newKeySet();
        volatile long deadline;

        Local(String user, long deadline) {
            this.user = user;
            this.deadline = deadline;
        }
    }

    /**
     * @param lease how long a node's entries outlive its last renewal
     * @param connectionTtl how long one of this node's connections stays without renewal (as on a single node)
     */
    public RedisPresence(RedisNode node, String prefix, Duration lease, Duration connectionTtl) {
        this(node, prefix, lease, connectionTtl, Ticker.SYSTEM);
    }

    /** @param ticker what this node's connection deadlines and the warnings' spacing are measured on */
    public RedisPresence(RedisNode node, String prefix, Duration lease, Duration connectionTtl, Ticker ticker) {
        this.ticker = ticker;
        this.lastWarning = ticker.nanos() - Duration.ofMinutes(2).toNanos();
        this.node = node;
        this.prefix = prefix;
        this.lease = lease;
        this.connectionTtlNanos = connectionTtl.toNanos();
    }

    @Override
    public boolean enter(String room, String userId, String connectionId) {
        Local mine = local.compute(connectionId, (c, l) -> l == null ? new Local(userId, deadline()) : l);
        boolean aloneHere = onlyConnectionHere(room, userId, connectionId);
        mine.rooms.add(room);
        try {
            return entered(room, userId, connectionId);
        } catch (SharedStateUnavailable e) {
            warn(e);
            return aloneHere;
        }
    }

    @Override
    public boolean leave(String room, String userId, String connectionId) {
        Local mine = local.get(connectionId);
        if (mine == null || !mine.rooms.remove(room)) {
            return false;
        }
        if (mine.rooms.isEmpty()) {
            local.remove(connectionId, mine);
        }
        try {
            return left(room, userId, connectionId, node.nodeId());
        } catch (SharedStateUnavailable e) {
            warn(e);
            return onlyConnectionHere(room, userId, connectionId);
        }
    }

    @Override
    public void renew(Collection<String> connectionIds) {
        long deadline = deadline();
        for (String id : connectionIds) {
            Local mine = local.get(id);
            if (mine != null) {
                mine.deadline = deadline;
            }
        }
        try {
            Long entries = node.call(redis -> redis.eval(
                    RENEW,
                    ScriptOutputType.INTEGER,
                    new String[] {aliveKey(), node.key("presence", "nodes"), entriesKey(node.nodeId())},
                    node.nodeId(),
                    Long.toString(lease.toMillis())));
            // fewer entries than this node holds: swept while it lived, or Redis forgot them (entering is idempotent)
            if (entries != null
                    && entries
                            < local.values().stream()
                                    .mapToLong(l -> l.rooms.size())
                                    .sum()) {
                reenter();
            }
        } catch (SharedStateUnavailable e) {
            warn(e);
        }
    }

    /** Enters this node's connections again after Redis forgot them; new arrivals are kept for {@link #reinstated()}. */
    private void reenter() {
        LOG.log(Level.WARNING, "Presence of node {0} was dropped from Redis; entering its users again", node.nodeId());
        List<Arrival> arrivals = new ArrayList<>();
        local.forEach((connection, mine) -> mine.rooms.forEach(room -> {
            boolean arrived = entered(room, mine.user, connection);
            if (!mine.rooms.contains(room) || local.get(connection) != mine) {
                left(room, mine.user, connection, node.nodeId()); // it left meanwhile: no ghost
            } else if (arrived) {
                arrivals.add(new Arrival(room, mine.user));
            }
        }));
        synchronized (reinstated) {
            reinstated.addAll(arrivals);
        }
    }

    @Override
    public List<Arrival> reinstated() {
        synchronized (reinstated) {
            List<Arrival> arrivals = List.copyOf(reinstated);
            reinstated.clear();
            return arrivals;
        }
    }

    @Override
    public List<Departure> expire() {
        long now = ticker.nanos();
        List<Departure> departures = new ArrayList<>();
        try {
            local.forEach((connection, mine) -> {
                if (mine.deadline - now < 0 && local.remove(connection, mine)) {
                    for (String room : mine.rooms) {
                        if (left(room, mine.user, connection, node.nodeId())) {
                            departures.add(new Departure(room, mine.user));
                        }
                    }
                }
            });
            List<String> gone = node.call(redis -> redis.<List<String>>eval(
                    SWEEP, ScriptOutputType.MULTI, new String[] {node.key("presence", "nodes")}, prefix));
            for (int i = 0; i + 1 < gone.size(); i += 2) {
                departures.add(new Departure(gone.get(i), gone.get(i + 1)));
            }
        } catch (SharedStateUnavailable e) {
            warn(e);
        }
        return departures;
    }

    @Override
    public List<String> members(String room) {
        try {
            return node.call(redis -> redis.hkeys(usersKey(room))).stream()
                    .sorted()
                    .toList();
        } catch (SharedStateUnavailable e) {
            warn(e);
            Set<String> users = new HashSet<>();
            local.values().stream().filter(l -> l.rooms.contains(room)).forEach(l -> users.add(l.user));
            return users.stream().sorted().toList();
        }
    }

    /** Users present over the cluster: one {@code HLEN}; this node's own while Redis cannot be reached. */
    @Override
    public int count(String room) {
        try {
            Long users = node.call(redis -> redis.hlen(usersKey(room)));
            return users == null ? 0 : users.intValue();
        } catch (SharedStateUnavailable e) {
            warn(e);
            return members(room).size();
        }
    }

    /** One {@code ZRANGE BYLEX} of the room's names; from this node's own while Redis cannot be reached. */
    @Override
    public List<String> page(String room, String after, int limit) {
        try {
            return node.call(redis -> redis.zrangebylex(
                    namesKey(room),
                    after == null
                            ? Range.unbounded()
                            : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded()),
                    Limit.create(0, limit)));
        } catch (SharedStateUnavailable e) {
            warn(e);
            return Presence.super.page(room, after, limit);
        }
    }

    @Override
    public Map<String, Integer> occupancy() {
        Map<String, Integer> result = new TreeMap<>();
        try {
            // one round trip for the rooms, then their sizes pipelined
            Map<String, CompletionStage<Long>> sizes = new TreeMap<>();
            for (String room : node.call(redis -> redis.smembers(node.key("presence", "rooms")))) {
                sizes.put(room, node.async().hlen(usersKey(room)));
            }
            for (Map.Entry<String, CompletionStage<Long>> size : sizes.entrySet()) {
                long users = size.getValue().toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (users > 0) {
                    result.put(size.getKey(), (int) users);
                }
            }
        } catch (SharedStateUnavailable e) {
            warn(e);
        } catch (ExecutionException | TimeoutException e) {
            warn(new SharedStateUnavailable("Redis did not answer: " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    private boolean entered(String room, String user, String connection) {
        Long first = node.call(redis -> redis.eval(
                ENTER,
                ScriptOutputType.INTEGER,
                new String[] {
                    connsKey(room),
                    usersKey(room),
                    node.key("presence", "rooms"),
                    entriesKey(node.nodeId()),
                    aliveKey(),
                    node.key("presence", "nodes"),
                    namesKey(room)
                },
                node.nodeId() + "/" + connection,
                user,
                room,
                room + "\n" + connection,
                node.nodeId(),
                Long.toString(lease.toMillis())));
        return first != null && first == 1L;
    }

    private boolean left(String room, String user, String connection, String nodeId) {
        Long last = node.call(redis -> redis.eval(
                LEAVE,
                ScriptOutputType.INTEGER,
                new String[] {
                    connsKey(room), usersKey(room), node.key("presence", "rooms"), entriesKey(nodeId), namesKey(room)
                },
                nodeId + "/" + connection,
                user,
                room,
                room + "\n" + connection));
        return last != null && last == 1L;
    }

    private boolean onlyConnectionHere(String room, String user, String connection) {
        return local.entrySet().stream()
                .noneMatch(e -> !e.getKey().equals(connection)
                        && e.getValue().user.equals(user)
                        && e.getValue().rooms.contains(room));
    }

    private String connsKey(String room) {
        return prefix + "presence:conns:" + room;
    }

    private String usersKey(String room) {
        return prefix + "presence:users:" + room;
    }

    private String namesKey(String room) {
        return prefix + "presence:names:" + room;
    }

    private String entriesKey(String nodeId) {
        return prefix + "presence:node:" + nodeId;
    }

    private String aliveKey() {
        return prefix + "presence:alive:" + node.nodeId();
    }

    private long deadline() {
        return ticker.nanos() + connectionTtlNanos;
    }

    private synchronized void warn(SharedStateUnavailable e) {
        long now = ticker.nanos();
        if (now - lastWarning > Duration.ofMinutes(1).toNanos()) {
            lastWarning = now;
            LOG.log(
                    Level.WARNING,
                    "Presence counted on this node only while Redis is unavailable: {0}",
                    e.getMessage());
        }
    }
}
