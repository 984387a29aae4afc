package io.switchboard.websocket;

import io.switchboard.operations.control.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open connections, by id and by user (the users online here are a gauge of the metrics); closes those
 * still open (1001) when the application stops. A user's connections here, a few at most
 * ({@code switchboard.limits.connections-per-user}), are an immutable set replaced on each change.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();

    @Inject
    Metrics metrics;

    @PostConstruct
    void init() {
        metrics.meters().usersOnline(byUser::size);
    }

    void add(Connection connection) {
        byId.put(connection.id(), connection);
        byUser.merge(connection.userId(), Set.of(connection), ConnectionRegistry::union);
    }

    /**
     * Removes a connection, once.
     *
     * @return {@link Removed#NOT_REGISTERED} when it was not (any more) registered; else whether it was the user's
     *     last connection here
     */
    Removed remove(Connection connection) {
        if (byId.remove(connection.id()) == null) {
            return Removed.NOT_REGISTERED;
        }
        boolean[] last = {false};
        byUser.computeIfPresent(connection.userId(), (user, set) -> {
            Set<Connection> rest = new HashSet<>(set);
            rest.remove(connection);
            last[0] = rest.isEmpty();
            return last[0] ? null : Set.copyOf(rest);
        });
        return last[0] ? Removed.LAST_OF_USER : Removed.REMOVED;
    }

    enum Removed {
        NOT_REGISTERED,
        REMOVED,
        LAST_OF_USER
    }

    Connection get(String connectionId) {
        return byId.get(connectionId);
    }

    int size() {
        return byId.size();
    }

    Collection<Connection> all() {
        return List.copyOf(byId.values());
    }

    Collection<Connection> ofUser(String userId) {
        Set<Connection> set = byUser.get(userId);
        return set == null ? Set.of() : set;
    }

    private static Set<Connection> union(Set<Connection> a, Set<Connection> b) {
        Set<Connection> both = new HashSet<>(a);
        both.addAll(b);
        return Set.copyOf(both);
    }

    /** The application stops: every connection still open is closed with 1001. */
    @PreDestroy
    void shutdown() {
        byId.values().forEach(c -> c.close(Close.GOING_AWAY));
    }
}
