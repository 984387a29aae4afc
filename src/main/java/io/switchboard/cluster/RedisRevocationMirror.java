package io.switchboard.cluster;

import io.lettuce.core.Range;
import io.lettuce.core.ZAddArgs;
import io.switchboard.security.control.RevocationMirror;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Recent revocations in one Redis sorted set (user → revocation time in epoch milliseconds), pruned of those older
 * than the time to live whenever one is added.
 */
public final class RedisRevocationMirror implements RevocationMirror {

    private final RedisNode node;
    private final Clock clock;
    private final Duration ttl;

    public RedisRevocationMirror(RedisNode node, Clock clock, Duration ttl) {
        this.node = node;
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public void put(String user, Instant revokedAt) {
        String key = node.key("revocations");
        long oldest = clock.millis() - ttl.toMillis();
        node.call(redis -> {
            redis.zadd(key, ZAddArgs.Builder.gt(), (double) revokedAt.toEpochMilli(), user);
            return redis.zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) oldest));
        });
    }

    @Override
    public Map<String, Instant> all() {
        long oldest = clock.millis() - ttl.toMillis();
        Map<String, Instant> all = new HashMap<>();
        node.call(redis -> redis.zrangebyscoreWithScores(
                        node.key("revocations"), Range.create((double) oldest, Double.POSITIVE_INFINITY)))
                .forEach(v -> all.put(v.getValue(), Instant.ofEpochMilli((long) v.getScore())));
        return all;
    }
}
