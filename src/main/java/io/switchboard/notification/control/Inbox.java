package io.switchboard.notification.control;

import io.switchboard.notification.entity.InboxEntry;
import io.switchboard.notification.entity.NotificationUser;
import io.switchboard.notification.entity.TopicSubscription;
import io.switchboard.protocol.InvalidMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Users' inboxes: reading them, read state, topic subscriptions and the purge of old notifications. */
@ApplicationScoped
@Transactional
public class Inbox {

    private static final int CHUNK = 500;
    private static final String LIVE = "(e.expiresAt IS NULL OR e.expiresAt > :now)";

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<ReadChanged> readChanged;

    @Inject
    NotificationUsers knownUsers;

    /** The last sequence number given out in the user's stream (0: none yet). */
    public long lastSeq(String userId) {
        NotificationUser user = em.find(NotificationUser.class, userId);
        return user == null ? 0 : user.getLastSeq();
    }

    /** The last sequence numbers of many users, in a few queries (a user without any is absent from the map). */
    public Map<String, Long> lastSeqs(Collection<String> userIds) {
        List<String> users = List.copyOf(userIds);
        Map<String, Long> last = new HashMap<>();
        for (int from = 0; from < users.size(); from += CHUNK) {
            em.createQuery(
                            "SELECT u.userId, u.lastSeq FROM NotificationUser u WHERE u.userId IN :users",
                            Object[].class)
                    .setParameter("users", users.subList(from, Math.min(users.size(), from + CHUNK)))
                    .getResultList()
                    .forEach(row -> last.put((String) row[0], ((Number) row[1]).longValue()));
        }
        return last;
    }

    /** Unexpired entries with {@code after < seq < before}, in sequence order, at most {@code limit}. */
    public List<InboxEntry> between(String userId, long after, long before, int limit, Instant now) {
        return em.createQuery(
                        "SELECT e FROM InboxEntry e WHERE e.userId = :user AND e.seq > :after AND e.seq < :before AND "
                                + LIVE + " ORDER BY e.seq",
                        InboxEntry.class)
                .setParameter("user", userId)
                .setParameter("after", after)
                .setParameter("before", before)
                .setParameter("now", now.toEpochMilli())
                .setMaxResults(limit)
                .getResultList();
    }

    public long unread(String userId, Instant now) {
        return em.createQuery(
                        "SELECT COUNT(e) FROM InboxEntry e WHERE e.userId = :user AND e.readAt IS NULL AND " + LIVE,
                        Long.class)
                .setParameter("user", userId)
                .setParameter("now", now.toEpochMilli())
                .getSingleResult();
    }

    /** Unread counts of many users in a few grouped queries (a user with none is absent from the map). */
    public Map<String, Long> unread(Collection<String> userIds, Instant now) {
        List<String> users = List.copyOf(userIds);
        Map<String, Long> counts = new HashMap<>();
        for (int from = 0; from < users.size(); from += CHUNK) {
            em.createQuery(
                            "SELECT e.userId, COUNT(e) FROM InboxEntry e WHERE e.userId IN :users AND e.readAt IS NULL AND "
                                    + LIVE + " GROUP BY e.userId",
                            Object[].class)
                    .setParameter("users", users.subList(from, Math.min(users.size(), from + CHUNK)))
                    .setParameter("now", now.toEpochMilli())
                    .getResultList()
                    .forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
        }
        return counts;
    }

    /** Marks one notification read; unknown sequence numbers are refused. */
    /**
     * Marks one notification read; when it was unread, the user's connections get {@code read} and {@code unread}
     * after the commit.
     *
     * @return whether it was unread (false: it was read already, nothing changed)
     */
    public boolean markRead(String userId, long seq) {
        List<InboxEntry> entries = em.createQuery(
                        "SELECT e FROM InboxEntry e WHERE e.userId = :user AND e.seq = :seq", InboxEntry.class)
                .setParameter("user", userId)
                .setParameter("seq", seq)
                .getResultList();
        if (entries.isEmpty()) {
            throw InvalidMessage.invalid(
                    "seq", "must be the number of a notification in your inbox: there is no notification " + seq);
        }
        Instant now = clock.instant();
        if (entries.get(0).markRead(now)) {
            em.flush();
            readChanged.fire(new ReadChanged(userId, seq, false, unread(userId, now)));
            return true;
        }
        return false;
    }

    /** The user's unread count now. */
    public long unread(String userId) {
        return unread(userId, clock.instant());
    }

    /**
     * Marks every notification read; when one was unread, the user's connections get {@code read} and
     * {@code unread} after the commit.
     *
     * @return whether one was unread (false: nothing changed)
     */
    public boolean markAllRead(String userId) {
        Instant now = clock.instant();
        int changed = em.createQuery(
                        "UPDATE InboxEntry e SET e.readAt = :now WHERE e.userId = :user AND e.readAt IS NULL")
                .setParameter("now", now.toEpochMilli())
                .setParameter("user", userId)
                .executeUpdate();
        if (changed > 0) {
            readChanged.fire(new ReadChanged(userId, null, true, unread(userId, now)));
            return true;
        }
        return false;
    }

    /** Subscribes the user to a topic (making the user known); returns the user's topics. */
    public List<String> subscribe(String userId, String topic) {
        knownUsers.ensure(List.of(userId));
        if (topicsQuery(userId).stream().noneMatch(topic::equals)) {
            em.persist(new TopicSubscription(topic, userId));
            em.flush();
        }
        return topicsQuery(userId);
    }

    public List<String> unsubscribe(String userId, String topic) {
        em.createQuery("DELETE FROM TopicSubscription s WHERE s.userId = :user AND s.topic = :topic")
                .setParameter("user", userId)
                .setParameter("topic", topic)
                .executeUpdate();
        return topicsQuery(userId);
    }

    public List<String> topics(String userId) {
        return topicsQuery(userId);
    }

    /**
     * Deletes inbox entries that expired or are older than the retention, then notifications no inbox refers to
     * any more. Returns how many inbox entries went.
     */
    public int purge(Instant now, java.time.Duration retention) {
        long cutoff = now.minus(retention).toEpochMilli();
        int entries = em.createQuery("DELETE FROM InboxEntry e WHERE (e.expiresAt IS NOT NULL AND e.expiresAt <= :now) "
                        + "OR e.createdAt < :cutoff")
                .setParameter("now", now.toEpochMilli())
                .setParameter("cutoff", cutoff)
                .executeUpdate();
        em.createQuery(
                        "DELETE FROM Notification n WHERE ((n.expiresAt IS NOT NULL AND n.expiresAt <= :now) "
                                + "OR n.createdAt < :cutoff) AND NOT EXISTS (SELECT e FROM InboxEntry e WHERE e.notification = n)")
                .setParameter("now", now.toEpochMilli())
                .setParameter("cutoff", cutoff)
                .executeUpdate();
        return entries;
    }

    private List<String> topicsQuery(String userId) {
        return em.createQuery(
                        "SELECT s.topic FROM TopicSubscription s WHERE s.userId = :user ORDER BY s.topic", String.class)
                .setParameter("user", userId)
                .getResultList();
    }
}
