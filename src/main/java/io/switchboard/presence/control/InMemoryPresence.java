package io.switchboard.presence.control;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Presence of a single node: room → user → connection → lease deadline. Leases last twice the heartbeat timeout;
 * the heartbeat renews them for live connections. Chosen by {@code ClusterMode} when cluster mode is off. Users are
 * kept sorted and counted per room, so a count is O(1) and a page of a large room's members costs its size.
 */
public class InMemoryPresence implements Presence {

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final Ticker ticker;

    /** One room's users (sorted) and how many there are; changed only inside {@code rooms.compute}. */
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
            Map<String, Long> leases = state.users.computeIfAbsent(userId, u -> new ConcurrentHashMap<>());
            first[0] = leases.isEmpty();
            if (first[0]) {
                state.size++;
            }
            leases.put(connectionId, deadline());
            return state;
        });
        return first[0];
    }

    @Override
    public boolean leave(String room, String userId, String connectionId) {
        boolean[] last = {false};
        rooms.computeIfPresent(room, (r, state) -> {
            Map<String, Long> leases = state.users.get(userId);
            if (leases != null && leases.remove(connectionId) != null && leases.isEmpty()) {
                state.users.remove(userId);
                state.size--;
                last[0] = true;
            }
            return state.users.isEmpty() ? null : state;
        });
        return last[0];
    }

    @Override
    public void renew(Collection<String> connectionIds) {
        Set<String> alive = connectionIds instanceof Set<String> set ? set : new HashSet<>(connectionIds);
        long deadline = deadline();
        rooms.values()
                .forEach(state -> state.users
                        .values()
                        .forEach(leases ->
                                leases.replaceAll((connection, old) -> alive.contains(connection) ? deadline : old)));
    }

    @Override
    public List<Departure> expire() {
        long now = ticker.nanos();
        List<Departure> departures = new ArrayList<>();
        for (String room : List.copyOf(rooms.keySet())) {
            rooms.computeIfPresent(room, (r, state) -> {
                state.users.entrySet().removeIf(user -> {
                    user.getValue().values().removeIf(deadline -> deadline - now < 0);
                    if (user.getValue().isEmpty()) {
                        departures.add(new Departure(room, user.getKey()));
                        state.size--;
                        return true;
                    }
                    return false;
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
}
