package io.switchboard.cluster;

import io.switchboard.operations.control.HealthStatus;
import io.switchboard.operations.control.ReadinessCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Readiness in cluster mode: the bus works when this node's last canary came back through Redis in time
 * ({@link Cluster#healthy()}), so a node whose subscription is broken is taken out of the load balancer instead of
 * accepting clients it cannot reach from the other nodes. Always UP on a single node.
 */
@ApplicationScoped
public class BusCheck implements ReadinessCheck {

    @Inject
    Cluster cluster;

    @Override
    public String name() {
        return "bus";
    }

    @Override
    public HealthStatus check() {
        if (!cluster.enabled() || cluster.healthy()) {
            return HealthStatus.ok();
        }
        return HealthStatus.down("no canary came back through the bus in time");
    }
}
