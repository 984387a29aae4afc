package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Ticker;
import io.switchboard.operations.control.Metrics;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pings connections that have been silent for the heartbeat interval and closes (4000) those silent for the
 * heartbeat timeout, so a client that vanished without a close frame is removed from rooms and presence; closes
 * (4002) connections whose credential has expired; samples the send queues' depth for the metrics.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;

    @Inject
    Clock clock;

    @Inject
    Ticker ticker;

    @Inject
    SwitchboardConfig config;

    @Inject
    Connections connections;

    @Inject
    Event<HeartbeatTicked> ticked;

    @Inject
    Metrics metrics;

    private ScheduledFuture<?> task;
    private long leasePeriodNanos;
    private long lastLeaseRound;

    /**
     * Sweeps every second (a quarter of the interval or timeout when shorter, 100 ms at least), so a ping goes out
     * within one sweep of the interval and a dead connection is closed within one sweep of the timeout; presence
     * leases are renewed every half interval.
     */
    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        long shortest = Math.min(
                config.heartbeatInterval().toMillis(), config.heartbeatTimeout().toMillis());
        long sweep = Math.max(100, Math.min(1_000, shortest / 4));
        leasePeriodNanos = config.leaseRenewal().toNanos();
        lastLeaseRound = ticker.nanos();
        task = scheduler.scheduleAtFixedRate(this::tick, sweep, sweep, TimeUnit.MILLISECONDS);
        LOG.log(
                Level.INFO,
                "Heartbeat: ping after {0} s of silence, close after {1} s (checked every {2} ms)",
                new Object[] {
                    config.heartbeatInterval().toSeconds(),
                    config.heartbeatTimeout().toSeconds(),
                    sweep
                });
    }

    void tick() {
        try {
            Duration interval = config.heartbeatInterval();
            Duration timeout = config.heartbeatTimeout();
            List<Connection> alive = new ArrayList<>();
            Instant now = clock.instant();
            int longestQueue = 0;
            long queued = 0;
            for (Connection connection : connections.all()) {
                Duration silence = connection.silence();
                if (connection.identity().expired(now)) {
                    connections.forget(connection, Close.CREDENTIAL_EXPIRED);
                } else if (silence.compareTo(timeout) >= 0) {
                    LOG.log(Level.FINE, "{0} silent for {1}, closing", new Object[] {connection, silence});
                    connections.forget(connection, Close.HEARTBEAT_TIMEOUT);
                } else {
                    if (connection.sinceHeardOrPinged().compareTo(interval) >= 0) {
                        connection.ping(); // once per interval of silence
                    }
                    alive.add(connection);
                    int pending = connection.pendingFrames();
                    longestQueue = Math.max(longestQueue, pending);
                    queued += pending;
                }
            }
            metrics.meters().sendQueues(longestQueue, queued);
            long nanos = ticker.nanos();
            if (nanos - lastLeaseRound >= leasePeriodNanos) {
                lastLeaseRound = nanos;
                ticked.fire(new HeartbeatTicked(alive));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Heartbeat round failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
