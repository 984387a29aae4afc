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

/**
 * Presence of a single node: room → user → connection → lease deadline. Leases last twice the heartbeat timeout;
 * the heartbeat renews them for live connections. Chosen by {@code ClusterMode} when cluster mode is off.
 */
public class InMemoryPresence implements Presence {

    private final Map<String, Map<String, Map<String, Long>>> rooms = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final Ticker ticker;

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
        rooms.compute(room, (r, users) -> {
            Map<String, Map<String, Long>> map = users == null ? new ConcurrentHashMap<>() : users;
            Map<String, Long> leases = map.computeIfAbsent(userId, u -> new ConcurrentHashMap<>());
            first[0] = leases.isEmpty();
            leases.put(connectionId, deadline());
            return map;
        });
        return first[0];
    }

    @Override
    public boolean leave(String room, String userId, String connectionId) {
        boolean[] last = {false};
        rooms.computeIfPresent(room, (r, users) -> {
            Map<String, Long> leases = users.get(userId);
            if (leases != null && leases.remove(connectionId) != null && leases.isEmpty()) {
                users.remove(userId);
                last[0] = true;
            }
            return users.isEmpty() ? null : users;
        });
        return last[0];
    }

    @Override
    public void renew(Collection<String> connectionIds) {
        Set<String> alive = connectionIds instanceof Set<String> set ? set : new HashSet<>(connectionIds);
        long deadline = deadline();
        rooms.values()
                .forEach(users -> users.values()
                        .forEach(leases ->
                                leases.replaceAll((connection, old) -> alive.contains(connection) ? deadline : old)));
    }

    @Override
    public List<Departure> expire() {
        long now = ticker.nanos();
        List<Departure> departures = new ArrayList<>();
        for (String room : List.copyOf(rooms.keySet())) {
            rooms.computeIfPresent(room, (r, users) -> {
                users.entrySet().removeIf(user -> {
                    user.getValue().values().removeIf(deadline -> deadline - now < 0);
                    if (user.getValue().isEmpty()) {
                        departures.add(new Departure(room, user.getKey()));
                        return true;
                    }
                    return false;
                });
                return users.isEmpty() ? null : users;
            });
        }
        return departures;
    }

    @Override
    public List<String> members(String room) {
        Map<String, Map<String, Long>> users = rooms.get(room);
        return users == null ? List.of() : users.keySet().stream().sorted().toList();
    }

    @Override
    public Map<String, Integer> occupancy() {
        Map<String, Integer> result = new TreeMap<>();
        rooms.forEach((room, users) -> result.put(room, users.size()));
        return result;
    }

    private long deadline() {
        return ticker.nanos() + ttlNanos;
    }
}
