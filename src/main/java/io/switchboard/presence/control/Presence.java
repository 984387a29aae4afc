package io.switchboard.presence.control;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Presence of users in rooms. A user is present while at least one of their connections holds a lease in the
 * room; leases are renewed while the connection is alive and lapse after their time-to-live otherwise.
 */
public interface Presence {

    /** @return true when the user was not present in the room before this connection entered */
    boolean enter(String room, String userId, String connectionId);

    /** @return true when this was the user's last connection in the room, so the user has left */
    boolean leave(String room, String userId, String connectionId);

    /** Extends the leases of these live connections. */
    void renew(Collection<String> connectionIds);

    /** Drops lapsed leases; returns the users that are no longer present because of it. */
    List<Departure> expire();

    /** The users present in a room, sorted. */
    List<String> members(String room);

    /** How many users are present in a room. */
    default int count(String room) {
        return members(room).size();
    }

    /**
     * A page of the users present in a room, sorted: at most {@code limit} of those whose names sort after
     * {@code after} ({@code null}: from the first).
     */
    default List<String> page(String room, String after, int limit) {
        return members(room).stream()
                .filter(user -> after == null || user.compareTo(after) > 0)
                .limit(limit)
                .toList();
    }

    /** Rooms with anyone present, and how many users each. */
    Map<String, Integer> occupancy();

    /**
     * Users present again after the shared presence had lost them (cluster mode: this node's entries were dropped
     * while it lived); announced like arrivals. Empty on a single node.
     */
    default List<Arrival> reinstated() {
        return List.of();
    }

    /** A user who left a room because their last lease lapsed. */
    record Departure(String room, String userId) {}

    /** A user who is present in a room again. */
    record Arrival(String room, String userId) {}
}
