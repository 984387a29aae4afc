package io.switchboard.cluster;

import io.switchboard.broker.Broker;
import io.switchboard.broker.InMemoryBroker;
import io.switchboard.broker.LocalDelivery;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import io.switchboard.presence.control.InMemoryPresence;
import io.switchboard.presence.control.Presence;
import io.switchboard.security.control.InMemoryTicketStore;
import io.switchboard.security.control.RevocationMirror;
import io.switchboard.security.control.TicketStore;
import io.switchboard.sse.StreamDirectory;
import io.switchboard.websocket.HeartbeatTicked;
import io.switchboard.websocket.InMemoryUserLimits;
import io.switchboard.websocket.UserLimits;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Chooses, once at deployment, the single-node (in-memory) or the cluster (Redis) implementation of each seam that
 * differs: the broker, the ticket store, the revocation mirror, the per-user limits, presence and the
 * directory of event streams.
 */
@ApplicationScoped
public class ClusterMode {

    /** Window of the per-user message count over the cluster: twice the per-second limit per two seconds. */
    private static final Duration RATE_WINDOW = Duration.ofSeconds(2);

    @Inject
    Cluster cluster;

    @Inject
    LocalDelivery delivery;

    @Inject
    SwitchboardConfig config;

    @Inject
    Clock clock;

    @Inject
    Ticker ticker;

    private Broker broker;
    private TicketStore tickets;
    private RevocationMirror revocations;
    private UserLimits userLimits;
    private Presence presence;
    private StreamDirectory streams;

    @PostConstruct
    void choose() {
        InMemoryUserLimits local =
                new InMemoryUserLimits(config.connectionsPerUser(), config.userMessagesPerSecond(), ticker);
        if (cluster.enabled()) {
            RedisNode node = cluster.node();
            broker = new RedisBroker(delivery, cluster.bus());
            tickets = new RedisTicketStore(node);
            revocations = new RedisRevocationMirror(node, clock, config.revocationTtl());
            Duration lease = config.leaseRenewal().multipliedBy(3);
            Duration atLeast10s = lease.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : lease;
            userLimits = new RedisUserLimits(
                    node,
                    local,
                    config.connectionsPerUser(),
                    (int) (config.userMessagesPerSecond() * RATE_WINDOW.toSeconds()),
                    RATE_WINDOW,
                    atLeast10s,
                    ticker);
            streams = new RedisStreamDirectory(node, atLeast10s);
            // renewed every lease period, swept by the others one period after it lapsed: gone within 2 intervals
            presence = new RedisPresence(
                    node,
                    config.keyPrefix(),
                    config.leaseRenewal().multipliedBy(3),
                    InMemoryPresence.ttl(config),
                    ticker);
        } else {
            broker = new InMemoryBroker(delivery);
            tickets = new InMemoryTicketStore();
            revocations = RevocationMirror.NONE;
            userLimits = local;
            presence = new InMemoryPresence(InMemoryPresence.ttl(config), ticker);
            streams = StreamDirectory.LOCAL;
        }
    }

    @Produces
    Broker broker() {
        return broker;
    }

    @Produces
    TicketStore tickets() {
        return tickets;
    }

    @Produces
    RevocationMirror revocations() {
        return revocations;
    }

    @Produces
    Presence presence() {
        return presence;
    }

    @Produces
    StreamDirectory streams() {
        return streams;
    }

    @Produces
    UserLimits userLimits() {
        return userLimits;
    }

    void renewLeases(@Observes HeartbeatTicked ticked) {
        userLimits.renew(ticked.alive());
    }
}
