package io.switchboard.cluster;

import io.lettuce.core.SetArgs;
import io.switchboard.protocol.Json;
import io.switchboard.security.control.Credential;
import io.switchboard.security.control.TicketStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Tickets in Redis: {@code SET key credential PX lifetime NX} when issued, {@code GETDEL} when redeemed, so a ticket
 * issued on one node is redeemed once, on whichever node, and Redis forgets it when it expires.
 */
public final class RedisTicketStore implements TicketStore {

    /** A pending ticket as stored: epoch milliseconds, {@code credentialExpiresAt} absent when it does not expire. */
    public record Stored(
            String user, List<String> roles, long issuedAt, Long credentialExpiresAt, long ticketExpiresAt) {}

    private final RedisNode node;

    public RedisTicketStore(RedisNode node) {
        this.node = node;
    }

    @Override
    public void put(String ticket, Pending pending, Instant now) {
        Credential c = pending.credential();
        String value = Json.write(new Stored(
                c.user(),
                List.copyOf(c.roles()),
                c.issuedAt().toEpochMilli(),
                c.expiresAt() == null ? null : c.expiresAt().toEpochMilli(),
                pending.expiresAt().toEpochMilli()));
        long ttl = Math.max(1, Duration.between(now, pending.expiresAt()).toMillis());
        node.call(redis -> redis.set(key(ticket), value, SetArgs.Builder.px(ttl).nx()));
    }

    @Override
    public Pending take(String ticket) {
        String value = node.call(redis -> redis.getdel(key(ticket)));
        if (value == null) {
            return null;
        }
        Stored s = Json.jsonb().fromJson(value, Stored.class);
        return new Pending(
                new Credential(
                        s.user(),
                        Set.copyOf(s.roles()),
                        Instant.ofEpochMilli(s.issuedAt()),
                        s.credentialExpiresAt() == null ? null : Instant.ofEpochMilli(s.credentialExpiresAt())),
                Instant.ofEpochMilli(s.ticketExpiresAt()));
    }

    private String key(String ticket) {
        return node.key("ticket", ticket);
    }
}
