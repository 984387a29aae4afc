package io.switchboard.websocket;

import io.switchboard.operations.control.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open connections, by id and by user (the users online here are a gauge of the metrics); closes those
 * still open (1001) when the application stops.
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
        byUser.computeIfAbsent(connection.userId(), u -> ConcurrentHashMap.newKeySet())
                .add(connection);
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
            set.remove(connection);
            last[0] = set.isEmpty();
            return last[0] ? null : set;
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
        return set == null ? List.of() : List.copyOf(set);
    }

    /** The application stops: every connection still open is closed with 1001. */
    @PreDestroy
    void shutdown() {
        byId.values().forEach(c -> c.close(Close.GOING_AWAY));
    }
}
