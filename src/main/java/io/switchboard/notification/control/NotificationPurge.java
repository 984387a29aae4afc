package io.switchboard.notification.control;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Purges expired notifications and those older than the retention, every purge interval. */
@ApplicationScoped
public class NotificationPurge {

    private static final Logger LOG = Logger.getLogger(NotificationPurge.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;

    @Inject
    Clock clock;

    @Inject
    SwitchboardConfig config;

    @Inject
    Inbox inbox;

    private ScheduledFuture<?> task;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        long period = config.purgeInterval().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::purge, period, period, TimeUnit.MILLISECONDS);
    }

    void purge() {
        try {
            int purged = inbox.purge(clock.instant(), config.notificationRetention());
            if (purged > 0) {
                LOG.log(Level.FINE, "Purged {0} expired or retired inbox entries", purged);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Purging notifications failed; will retry", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
