package io.switchboard.notification.control;

import io.switchboard.notification.entity.InboxEntry;
import io.switchboard.notification.entity.Notification;
import io.switchboard.notification.entity.NotificationUser;
import io.switchboard.protocol.InvalidMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Publishes notifications. Inject it in application code:
 * <pre>{@code
 * @Inject NotificationPublisher notifications;
 * notifications.publish(NotificationRequest.toUser("bob", "Invoice approved", "Invoice 42 was approved"));
 * }</pre>
 * Called inside a JTA transaction it joins it: the notification is stored with the caller's data and pushed only
 * after the commit; a rollback stores and pushes nothing. This is the first step of a notification's way: stored
 * (here) → committed ({@link CommittedNotifications} publishes it to the broker) → delivered
 * ({@link NotificationStreams}).
 * <p>
 * Each recipient gets an inbox entry with the next number of their own sequence. Recipients are resolved when the
 * notification is published: a topic notification reaches the users subscribed at that moment, never users who
 * subscribe later; {@code everyone} reaches every user known to notifications (who ever connected to
 * {@code /ws/notifications}, subscribed to a topic or was notified).
 */
@ApplicationScoped
@Transactional
public class NotificationPublisher {

    /** A published notification: its id, how many users got it, and whether the idempotency key was seen before. */
    public record Published(long id, int recipients, boolean duplicate) {}

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<NotificationsStored> stored;

    @Inject
    Inbox inbox;

    @Inject
    NotificationUsers knownUsers;

    public Published publish(NotificationRequest request) {
        return publish(request, null);
    }

    /** Publishes once per idempotency key: a repeated key returns the first publication and notifies no one. */
    public Published publish(NotificationRequest request, String idempotencyKey) {
        Instant now = clock.instant();
        request.validate();
        if (idempotencyKey != null) {
            if (idempotencyKey.isBlank() || idempotencyKey.length() > 128) {
                throw InvalidMessage.invalid("Idempotency-Key", "must be 1-128 characters");
            }
            List<Notification> earlier = em.createQuery(
                            "SELECT n FROM Notification n WHERE n.idempotencyKey = :key", Notification.class)
                    .setParameter("key", idempotencyKey)
                    .getResultList();
            if (!earlier.isEmpty()) {
                return new Published(earlier.get(0).getId(), earlier.get(0).getRecipients(), true);
            }
        }
        Notification notification = new Notification(
                request.audience(),
                request.title(),
                request.body(),
                request.link(),
                request.category(),
                request.severityOrDefault(),
                now,
                request.expiresAt(),
                idempotencyKey);
        em.persist(notification);
        TreeSet<String> recipients = recipients(request);
        if (request.user() != null || request.users() != null) {
            knownUsers.ensure(recipients); // topic subscribers and everyone are known already
        }
        List<NotificationsStored.Delivery> deliveries = new ArrayList<>();
        for (String user : recipients) { // sorted: concurrent publications lock users in the same order
            NotificationUser owner = em.find(NotificationUser.class, user, LockModeType.PESSIMISTIC_WRITE);
            if (owner == null) {
                continue; // only possible if the user's row was deleted meanwhile
            }
            long seq = owner.nextSeq();
            em.persist(new InboxEntry(user, seq, notification));
            deliveries.add(new NotificationsStored.Delivery(user, seq));
        }
        notification.setRecipients(deliveries.size());
        em.flush();
        Map<String, Long> unread = inbox.unread(
                deliveries.stream().map(NotificationsStored.Delivery::userId).toList(), now);
        stored.fire(new NotificationsStored(notification, deliveries, unread));
        return new Published(notification.getId(), deliveries.size(), false);
    }

    private TreeSet<String> recipients(NotificationRequest request) {
        TreeSet<String> users = new TreeSet<>();
        if (request.user() != null) {
            users.add(request.user());
        } else if (request.users() != null) {
            users.addAll(request.users());
        } else if (request.topic() != null) {
            users.addAll(em.createQuery("SELECT s.userId FROM TopicSubscription s WHERE s.topic = :topic", String.class)
                    .setParameter("topic", request.topic())
                    .getResultList());
        } else {
            users.addAll(em.createQuery("SELECT u.userId FROM NotificationUser u", String.class)
                    .getResultList());
        }
        return users;
    }
}
