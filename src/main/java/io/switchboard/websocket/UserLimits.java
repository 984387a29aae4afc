package io.switchboard.websocket;

import java.util.Collection;

/**
 * Per-user limits: open connections ({@code switchboard.limits.connections-per-user}) and messages a second
 * ({@code switchboard.limits.user-messages-per-second}). A single node counts in memory ({@link InMemoryUserLimits});
 * in cluster mode they are counted over all nodes in Redis.
 */
public interface UserLimits {

    /**
     * Whether the user may open one more connection; if so it counts until {@link #closed}.
     *
     * @param openHere the user's connections open on this node
     */
    boolean tryOpen(String user, String connectionId, int openHere);

    /** A counted connection closed; {@code lastHere} when it was the user's last on this node. */
    void closed(String user, String connectionId, boolean lastHere);

    /** Whether the user may send one more message now (counts it if so). */
    boolean tryMessage(String user);

    /** Called every lease period with this node's open connections (cluster mode renews their leases). */
    default void renew(Collection<Connection> alive) {}
}
