package io.switchboard.operations.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node takes new work: a drain flips it with {@link #drain()}, and from then on the readiness probe
 * answers 503 so the load balancer sends new clients elsewhere (the drain itself refuses handshakes and closes
 * connections). {@link #resume()} undoes it.
 */
@ApplicationScoped
public class Readiness implements ReadinessCheck {

    private final AtomicBoolean draining = new AtomicBoolean();

    /** Marks the node draining; returns false when it already was. */
    public boolean drain() {
        return draining.compareAndSet(false, true);
    }

    /** Marks the node ready again (a drain that was called off). */
    public void resume() {
        draining.set(false);
    }

    public boolean draining() {
        return draining.get();
    }

    @Override
    public String name() {
        return "draining";
    }

    @Override
    public HealthStatus check() {
        return draining.get() ? HealthStatus.down("draining") : HealthStatus.ok();
    }
}
