package io.switchboard.notification.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.Topic;
import io.switchboard.notification.entity.Notification;
import io.switchboard.operations.control.Metrics;
import io.switchboard.protocol.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/**
 * The second step of a notification's way (stored by {@link NotificationPublisher} → committed, here → published
 * to the {@link Broker} → delivered by {@link NotificationStreams}): once the storing transaction has committed, each
 * recipient's notification, with its sequence number, and new unread count are published to the user's inbox topic;
 * a change of read state likewise. Nothing is published for a transaction that rolled back.
 */
@ApplicationScoped
public class CommittedNotifications {

    @Inject
    Broker broker;

    @Inject
    Metrics metrics;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    /**
     * The publishing runs on another thread: a transaction's completion callbacks may not use the database (which a
     * receiving stream may need, to fetch notifications it skipped), and the publisher returns to its caller
     * without waiting for sockets.
     */
    void stored(@Observes(during = TransactionPhase.AFTER_SUCCESS) NotificationsStored stored) {
        executor.execute(() -> publish(stored));
    }

    void readChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReadChanged changed) {
        executor.execute(() -> publish(changed));
    }

    private void publish(NotificationsStored stored) {
        metrics.meters().notificationPublished();
        Notification n = stored.notification();
        for (NotificationsStored.Delivery delivery : stored.deliveries()) {
            publish(delivery.userId(), delivery.seq(), NotificationStreams.view(n, delivery.seq(), false));
            publish(
                    delivery.userId(),
                    0,
                    new NotificationEvent.Unread(stored.unread().getOrDefault(delivery.userId(), 0L)));
        }
    }

    private void publish(ReadChanged changed) {
        publish(changed.userId(), 0, new NotificationEvent.Read(changed.seq(), changed.all()));
        publish(changed.userId(), 0, new NotificationEvent.Unread(changed.unread()));
    }

    /** One frame to a user's notification stream; {@code seq} 0 for frames outside the sequence. */
    private void publish(String userId, long seq, NotificationEvent event) {
        broker.publish(new Publication(new Topic.Inbox(userId, seq), Json.write(event)));
    }
}
