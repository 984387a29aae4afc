package io.switchboard.cluster;

import io.lettuce.core.SetArgs;
import io.switchboard.broker.SharedStateUnavailable;
import io.switchboard.sse.StreamDirectory;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event streams of all nodes in Redis: a key per stream token ({@code sse:TOKEN} → the stream's user) that
 * expires after {@code lease} unless the holding node renews it (every lease period, with the heartbeat), removed when
 * the stream closes. So a node that dies stops answering for its streams within one lease time. When Redis cannot be
 * reached, a POST on a node that does not hold the stream fails with {@link SharedStateUnavailable} (503); POSTs on the
 * stream's own node still work.
 */
public final class RedisStreamDirectory implements StreamDirectory {

    private static final Logger LOG = Logger.getLogger(RedisStreamDirectory.class.getName());

    private final RedisNode node;
    private final Duration lease;
    private final AtomicLong lastWarning =
            new AtomicLong(System.nanoTime() - Duration.ofMinutes(2).toNanos());

    public RedisStreamDirectory(RedisNode node, Duration lease) {
        this.node = node;
        this.lease = lease;
    }

    @Override
    public void opened(String token, String user) {
        try {
            // waited for: the token is written to the client after this, and its first POST may go to another node
            node.call(redis -> redis.set(key(token), user, SetArgs.Builder.px(lease.toMillis())));
        } catch (SharedStateUnavailable e) {
            warn(e);
        }
    }

    @Override
    public void closed(String token) {
        try {
            node.async().del(key(token));
        } catch (SharedStateUnavailable e) {
            warn(e); // the lease expires by itself
        }
    }

    @Override
    public void renew(Collection<String> tokens) {
        try {
            for (String token : tokens) {
                node.async().pexpire(key(token), lease.toMillis());
            }
        } catch (SharedStateUnavailable e) {
            warn(e);
        }
    }

    @Override
    public Optional<String> owner(String token) {
        return Optional.ofNullable(node.call(redis -> redis.get(key(token))));
    }

    private String key(String token) {
        return node.key("sse", token);
    }

    private void warn(SharedStateUnavailable e) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > Duration.ofMinutes(1).toNanos() && lastWarning.compareAndSet(last, now)) {
            LOG.log(
                    Level.WARNING,
                    "Event streams of this node cannot be found from other nodes while Redis is unavailable: {0}",
                    e.getMessage());
        }
    }
}
