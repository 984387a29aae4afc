package io.switchboard.security.control;

import java.time.Instant;
import java.util.Map;

/**
 * Recent revocations where every node can read them (Redis, in cluster mode), for a node that missed one on the bus
 * or starts later; a single node has none ({@link #NONE}): its database and memory are all it needs.
 */
public interface RevocationMirror {

    RevocationMirror NONE = new RevocationMirror() {
        @Override
        public void put(String user, Instant revokedAt) {}

        @Override
        public Map<String, Instant> all() {
            return Map.of();
        }
    };

    void put(String user, Instant revokedAt);

    /** The revocations kept (the latest of each user). */
    Map<String, Instant> all();
}
