package io.switchboard.presence.control;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * Presence of a single node: room → user → connection → lease deadline. Leases last twice the heartbeat timeout;
 * the heartbeat renews them for live connections. Chosen by {@code ClusterMode} when cluster mode is off. Users are
 * kept sorted and counted per room, so a count is O(1) and a page of a large room's members costs its size. A user's
 * leases in a room (one per connection, a few at most) are an immutable map, replaced on each change.
 */
public class InMemoryPresence implements Presence {

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final Ticker ticker;

    /** One room's users (sorted) with their leases, and how many there are; changed only inside {@code rooms.compute}. */
    private static final class Room {
        final ConcurrentNavigableMap<String, Map<String, Long>> users = new ConcurrentSkipListMap<>();
        volatile int size;
    }

    /**
     * @param ttl how long a lease lasts without renewal
     * @param ticker the time leases are measured on
     */
    public InMemoryPresence(Duration ttl, Ticker ticker) {
        this.ttlNanos = ttl.toNanos();
        this.ticker = ticker;
    }

    /** Leases of twice the heartbeat timeout. */
    public static Duration ttl(SwitchboardConfig config) {
        return config.heartbeatTimeout().multipliedBy(2);
    }

    @Override
    public boolean enter(String room, String userId, String connectionId) {
        boolean[] first = {false};
        rooms.compute(room, (r, found) -> {
            Room state = found == null ? new Room() : found;
            Map<String, Long> leases = state.users.get(userId);
            first[0] = leases == null;
            if (first[0]) {
                state.size++;
            }
            state.users.put(userId, with(leases, connectionId, deadline()));
            return state;
        });
        return first[0];
    }

    @Override
    public boolean leave(String room, String userId, String connectionId) {
        boolean[] last = {false};
        rooms.computeIfPresent(room, (r, state) -> {
            Map<String, Long> leases = state.users.get(userId);
            if (leases != null && leases.containsKey(connectionId)) {
                Map<String, Long> rest = without(leases, connectionId::equals);
                if (rest.isEmpty()) {
                    state.users.remove(userId);
                    state.size--;
                    last[0] = true;
                } else {
                    state.users.put(userId, rest);
                }
            }
            return state.users.isEmpty() ? null : state;
        });
        return last[0];
    }

    @Override
    public void renew(Collection<String> connectionIds) {
        Set<String> alive = connectionIds instanceof Set<String> set ? set : new HashSet<>(connectionIds);
        long deadline = deadline();
        for (String room : List.copyOf(rooms.keySet())) {
            rooms.computeIfPresent(room, (r, state) -> {
                state.users.replaceAll((user, leases) -> renewed(leases, alive, deadline));
                return state;
            });
        }
    }

    @Override
    public List<Departure> expire() {
        long now = ticker.nanos();
        List<Departure> departures = new ArrayList<>();
        for (String room : List.copyOf(rooms.keySet())) {
            rooms.computeIfPresent(room, (r, state) -> {
                state.users.forEach((user, leases) -> {
                    Map<String, Long> live = without(leases, connection -> leases.get(connection) - now < 0);
                    if (live.isEmpty()) {
                        state.users.remove(user);
                        departures.add(new Departure(room, user));
                        state.size--;
                    } else if (live != leases) {
                        state.users.put(user, live);
                    }
                });
                return state.users.isEmpty() ? null : state;
            });
        }
        return departures;
    }

    @Override
    public List<String> members(String room) {
        Room state = rooms.get(room);
        return state == null ? List.of() : List.copyOf(state.users.keySet());
    }

    @Override
    public int count(String room) {
        Room state = rooms.get(room);
        return state == null ? 0 : state.size;
    }

    @Override
    public List<String> page(String room, String after, int limit) {
        Room state = rooms.get(room);
        if (state == null) {
            return List.of();
        }
        return (after == null ? state.users : state.users.tailMap(after, false))
                .keySet().stream().limit(limit).toList();
    }

    @Override
    public Map<String, Integer> occupancy() {
        Map<String, Integer> result = new TreeMap<>();
        rooms.forEach((room, state) -> result.put(room, state.size));
        return result;
    }

    private long deadline() {
        return ticker.nanos() + ttlNanos;
    }

    /** A user's leases with one more (or renewed); immutable, as each user's leases are. */
    private static Map<String, Long> with(Map<String, Long> leases, String connectionId, long deadline) {
        if (leases == null) {
            return Map.of(connectionId, deadline);
        }
        Map<String, Long> more = new HashMap<>(leases);
        more.put(connectionId, deadline);
        return Map.copyOf(more);
    }

    /**
     * Whether a lease of any of {@code connections} is among {@code leases}; by its entries, as the map's
     * {@code keySet()} would stay cached in it (16 bytes more for every user present).
     */
    private static boolean any(Map<String, Long> leases, Predicate<String> connections) {
        for (Map.Entry<String, Long> lease : leases.entrySet()) {
            if (connections.test(lease.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** A user's leases without those of the connections {@code gone}; the same map when there are none. */
    private static Map<String, Long> without(Map<String, Long> leases, Predicate<String> gone) {
        if (!any(leases, gone)) {
            return leases;
        }
        Map<String, Long> rest = new HashMap<>(leases);
        rest.keySet().removeIf(gone);
        return Map.copyOf(rest);
    }

    /** A user's leases, those of live connections renewed to {@code deadline}; the same map when none is live. */
    private static Map<String, Long> renewed(Map<String, Long> leases, Set<String> alive, long deadline) {
        if (!any(leases, alive::contains)) {
            return leases;
        }
        Map<String, Long> next = new HashMap<>(leases);
        next.replaceAll((connection, old) -> alive.contains(connection) ? deadline : old);
        return Map.copyOf(next);
    }
}
