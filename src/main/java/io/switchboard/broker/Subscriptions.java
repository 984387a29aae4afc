package io.switchboard.broker;

import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of this node's connections joined which room (a joined room is a subscription to its topic). A room's
 * connections are a concurrent set, iterated by its broadcasts; a connection's rooms, a few at most, are an immutable
 * set replaced on each change (one room: 24 bytes instead of a concurrent set's 200).
 */
@ApplicationScoped
public class Subscriptions {

    private final Map<Topic.Room, Set<Connection>> byTopic = new ConcurrentHashMap<>();
    private final Map<Connection, Set<Topic.Room>> byConnection = new ConcurrentHashMap<>();

    /** @return false when the connection was already subscribed */
    public boolean subscribe(Topic.Room topic, Connection connection) {
        byConnection.compute(connection, (c, topics) -> with(topics, topic));
        return byTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet())
                .add(connection);
    }

    /** @return false when the connection was not subscribed */
    public boolean unsubscribe(Topic.Room topic, Connection connection) {
        byConnection.computeIfPresent(connection, (c, topics) -> without(topics, topic));
        boolean[] removed = {false};
        byTopic.computeIfPresent(topic, (t, set) -> {
            removed[0] = set.remove(connection);
            return set.isEmpty() ? null : set;
        });
        return removed[0];
    }

    public boolean isSubscribed(Topic.Room topic, Connection connection) {
        Set<Connection> set = byTopic.get(topic);
        return set != null && set.contains(connection);
    }

    /** The live set of a topic's subscribers (iterating it is safe while others join and leave). */
    public Collection<Connection> subscribers(Topic.Room topic) {
        Set<Connection> set = byTopic.get(topic);
        return set == null ? List.of() : set;
    }

    public Set<Topic.Room> topicsOf(Connection connection) {
        Set<Topic.Room> topics = byConnection.get(connection);
        return topics == null ? Set.of() : topics;
    }

    private static Set<Topic.Room> with(Set<Topic.Room> topics, Topic.Room topic) {
        if (topics == null) {
            return Set.of(topic);
        }
        if (topics.contains(topic)) {
            return topics;
        }
        Set<Topic.Room> more = new HashSet<>(topics);
        more.add(topic);
        return Set.copyOf(more);
    }

    /** The rooms without {@code topic}; null (no entry) when none is left. */
    private static Set<Topic.Room> without(Set<Topic.Room> topics, Topic.Room topic) {
        if (!topics.contains(topic)) {
            return topics;
        }
        Set<Topic.Room> fewer = new HashSet<>(topics);
        fewer.remove(topic);
        return fewer.isEmpty() ? null : Set.copyOf(fewer);
    }

    /** Runs after the other observers of the close, which still see what the connection was subscribed to. */
    void forget(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ConnectionClosed closed) {
        Set<Topic.Room> topics = byConnection.remove(closed.connection());
        if (topics != null) {
            topics.forEach(topic -> unsubscribe(topic, closed.connection()));
        }
    }
}
