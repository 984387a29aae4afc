package io.switchboard.sse;

import java.util.Collection;
import java.util.Optional;

/**
 * Which event streams are open on which node, so that a POST may land on any node (no sticky sessions): on a single
 * node nothing ({@link #LOCAL}: a stream not open here is open nowhere); in cluster mode a lease per stream token in
 * Redis, renewed with the heartbeat and removed when the stream closes. The POST itself reaches the stream's node over
 * the broker ({@link io.switchboard.broker.Topic.Stream}).
 */
public interface StreamDirectory {

    /** A single node: streams open elsewhere do not exist. */
    StreamDirectory LOCAL = new StreamDirectory() {
        @Override
        public void opened(String token, String user) {}

        @Override
        public void closed(String token) {}

        @Override
        public void renew(Collection<String> tokens) {}

        @Override
        public Optional<String> owner(String token) {
            return Optional.empty();
        }
    };

    /** A stream opened on this node: from now on POSTs on the other nodes find it. */
    void opened(String token, String user);

    /** A stream of this node ended. */
    void closed(String token);

    /** Called every lease period with the tokens of this node's open streams. */
    void renew(Collection<String> tokens);

    /**
     * The user of the stream with this token open on another node, or empty when no node holds it.
     *
     * @throws io.switchboard.broker.SharedStateUnavailable when the directory cannot be asked now
     */
    Optional<String> owner(String token);
}
