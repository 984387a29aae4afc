package io.switchboard.notification.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.TopicHandler;
import io.switchboard.notification.entity.InboxEntry;
import io.switchboard.notification.entity.Notification;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import io.switchboard.websocket.Connections;
import jakarta.annotation.Resource;
import io.switchboard.protocol.Json;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each notification connection's stream: replay from the client's last sequence, then live, with no gap and no
 * duplicate. Live notifications reach this node through the broker (topic {@code inbox:<user>}, carrying their
 * sequence); a connection takes only the next sequence number, fetching any it has not seen from the inbox first
 * and dropping any it already has, so the order in which pushes arrive does not matter.
 */
@ApplicationScoped
public class NotificationStreams implements TopicHandler {

    public static final String PREFIX = "inbox:";
    private static final int PAGE = 200;

    private final Map<Connection, Stream> streams = new ConcurrentHashMap<>();

    @Inject
    Inbox inbox;
    @Inject
    NotificationUsers knownUsers;
    @Inject
    Broker broker;
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;
    @Inject
    Connections connections;

    /** Where a connection's stream stands: the last sequence number it was sent. */
    private static final class Stream {
        long lastSent;

        Stream(long lastSent) {
            this.lastSent = lastSent;
        }
    }

    /**
     * Starts a connection's stream: sends every unexpired notification after {@code since}, then {@code replayed},
     * then live ones. A {@code since} beyond the user's last sequence is taken as the last sequence.
     */
    public void open(Connection connection, long since) {
        String user = connection.userId();
        knownUsers.ensure(List.of(user));
        Stream stream = new Stream(Math.min(since, inbox.lastSeq(user)));
        streams.put(connection, stream);
        synchronized (stream) {
            Instant now = Instant.now();
            replay(connection, stream, Long.MAX_VALUE, now);
            connection.send(Json.write(new NotificationEvent.Replayed(stream.lastSent, inbox.unread(user, now))));
        }
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public void deliver(Publication publication) {
        String user = publication.topic().substring(PREFIX.length());
        long seq = publication.sequence();
        for (Connection connection : connections.ofUser(user)) {
            Stream stream = streams.get(connection);
            if (stream == null) {
                continue; // a chat connection of the same user
            }
            if (seq == 0) {
                connection.send(publication.payload());
                continue;
            }
            synchronized (stream) {
                if (seq <= stream.lastSent) {
                    continue; // already sent by a replay
                }
                if (seq > stream.lastSent + 1) {
                    replay(connection, stream, seq, Instant.now());
                }
                connection.send(publication.payload());
                stream.lastSent = seq;
            }
        }
    }

    /**
     * Pushes a committed notification to its recipients' streams, with their new unread counts. The push runs on
     * another thread: a transaction's completion callbacks may not use the database, and a stream may need to
     * fetch notifications it skipped; it also returns the publisher to its caller without waiting for sockets.
     */
    void stored(@Observes(during = TransactionPhase.AFTER_SUCCESS) NotificationsStored stored) {
        executor.execute(() -> push(stored));
    }

    /** Tells every connection of the user that read state changed. */
    void readChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReadChanged changed) {
        executor.execute(() -> push(changed));
    }

    private void push(NotificationsStored stored) {
        Notification n = stored.notification();
        for (NotificationsStored.Delivery delivery : stored.deliveries()) {
            publish(delivery.userId(), view(n, delivery.seq(), false), delivery.seq());
            publish(delivery.userId(), new NotificationEvent.Unread(stored.unread().getOrDefault(delivery.userId(), 0L)), 0);
        }
    }

    private void push(ReadChanged changed) {
        publish(changed.userId(), new NotificationEvent.Read(changed.seq(), changed.all()), 0);
        publish(changed.userId(), new NotificationEvent.Unread(changed.unread()), 0);
    }

    /** Publishes one frame to a user's notification stream; {@code seq} 0 for frames outside the sequence. */
    private void publish(String userId, NotificationEvent event, long seq) {
        broker.publish(new Publication(PREFIX + userId, Json.write(event), null, seq));
    }

    void closed(@Observes ConnectionClosed closed) {
        streams.remove(closed.connection());
    }

    /** Sends the stream's unexpired entries after its last sequence and before {@code before}. Holds the stream's lock. */
    private void replay(Connection connection, Stream stream, long before, Instant now) {
        List<InboxEntry> page;
        do {
            page = inbox.between(connection.userId(), stream.lastSent, before, PAGE, now);
            for (InboxEntry entry : page) {
                connection.send(Json.write(view(entry.getNotification(), entry.getSeq(), entry.isRead())));
                stream.lastSent = entry.getSeq();
            }
        } while (page.size() == PAGE);
    }

    public static NotificationEvent.Notification view(Notification n, long seq, boolean read) {
        return new NotificationEvent.Notification(seq, n.getId(), n.getTitle(), n.getBody(), n.getLink(), n.getCategory(),
                n.getSeverity(), n.getCreatedAt(), n.getExpiresAt(), read);
    }
}
