package io.switchboard.cluster;

import io.switchboard.broker.LocalDelivery;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's membership of a cluster: with {@code switchboard.cluster.redis-uri} set, connects to Redis at
 * deployment (threads from the container's managed thread factory) and runs the bus; closes both, with all their
 * threads, at undeployment. Without it, nothing: no connection, no thread, no Redis class used.
 */
@ApplicationScoped
public class Cluster {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Inject
    SwitchboardConfig config;

    @Inject
    LocalDelivery delivery;

    @Inject
    Event<PublicationsMayBeMissed> missed;

    private RedisNode node;
    private RedisBus bus;

    @PostConstruct
    void start() {
        if (!config.clustered()) {
            return;
        }
        node = new RedisNode(config.redisUri(), threads, config.nodeId(), config.keyPrefix(), config.redisTimeout());
        bus = new RedisBus(
                node,
                delivery::deliver,
                reason -> missed.fire(new PublicationsMayBeMissed(reason)),
                config.canaryInterval(),
                config.canaryTimeout(),
                config.repairInterval(),
                threads);
        bus.start();
        LOG.log(Level.INFO, "Cluster mode: node {0}, Redis {1}, keys prefixed {2}", new Object[] {
            config.nodeId(), redacted(config.redisUri()), config.keyPrefix()
        });
    }

    /** Joins the cluster at deployment, not at the first publication. */
    void startEarly(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        // delivering the event is what creates the bean
    }

    public boolean enabled() {
        return node != null;
    }

    /**
     * Whether this node's bus works: its last canary made the round trip through Redis within
     * {@code switchboard.cluster.canary-timeout}. Always true on a single node. For a readiness check.
     */
    public boolean healthy() {
        return bus == null || bus.healthy();
    }

    RedisNode node() {
        return node;
    }

    RedisBus bus() {
        return bus;
    }

    @PreDestroy
    void stop() {
        if (bus != null) {
            LOG.log(Level.INFO, "Cluster node {0} leaving; bus {1}", new Object[] {config.nodeId(), bus.stats()});
            bus.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** The URI without a password. */
    static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
