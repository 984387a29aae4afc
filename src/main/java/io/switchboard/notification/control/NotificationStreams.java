package io.switchboard.notification.control;

import io.switchboard.broker.GaplessStream;
import io.switchboard.broker.Publication;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.broker.Topic;
import io.switchboard.broker.TopicHandler;
import io.switchboard.notification.entity.InboxEntry;
import io.switchboard.notification.entity.Notification;
import io.switchboard.operations.control.Metrics;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import io.switchboard.websocket.Connections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last step of a notification's way (stored → committed → published → delivered, here): each notification
 * connection's stream, replayed from the client's last sequence, then live, with no gap and no duplicate. Live
 * notifications reach this node through the broker ({@link Topic.Inbox}, carrying their sequence); a connection takes
 * only the next sequence number, fetching any it has not seen from the inbox first and dropping any it already has,
 * so the order in which publications arrive does not matter.
 */
@ApplicationScoped
public class NotificationStreams implements TopicHandler {

    private static final Logger LOG = Logger.getLogger(NotificationStreams.class.getName());

    private final Map<Connection, Stream> streams = new ConcurrentHashMap<>();

    @Inject
    Clock clock;

    @Inject
    Inbox inbox;

    @Inject
    NotificationUsers knownUsers;

    @Inject
    Connections connections;

    @Inject
    Metrics metrics;

    /** A connection's stream: its place in the user's sequence, and what it replays from. */
    private final class Stream {
        final GaplessStream<InboxEntry> position;
        final Connection connection;
        Instant now;

        Stream(Connection connection, long lastSent) {
            this.connection = connection;
            this.position = new GaplessStream<>(lastSent, InboxEntry::getSeq);
        }

        /** Storage's entries between two numbers, as of the instant of the call that reads them. */
        List<InboxEntry> stored(long after, long before, int limit) {
            return inbox.between(connection.userId(), after, before, limit, now);
        }

        void sendStored(InboxEntry entry) {
            connection.send(Json.write(view(entry.getNotification(), entry.getSeq(), entry.isRead())));
            metrics.meters().notificationReplayed();
        }

        /** Sends everything up to {@code lastStored}; holds the stream's lock. */
        boolean catchUp(long lastStored, Instant at) {
            now = at;
            return position.catchUp(lastStored, this::stored, this::sendStored);
        }
    }

    /**
     * Starts a connection's stream: sends every unexpired notification after {@code since}, then {@code replayed},
     * then live ones. A {@code since} beyond the user's last sequence is taken as the last sequence.
     */
    public void open(Connection connection, long since) {
        String user = connection.userId();
        knownUsers.ensure(List.of(user));
        long lastStored = inbox.lastSeq(user);
        Stream stream = new Stream(connection, Math.min(since, lastStored));
        streams.put(connection, stream);
        synchronized (stream) {
            Instant now = clock.instant();
            stream.catchUp(lastStored, now);
            connection.send(
                    Json.write(new NotificationEvent.Replayed(stream.position.last(), inbox.unread(user, now))));
        }
    }

    @Override
    public Class<Topic.Inbox> kind() {
        return Topic.Inbox.class;
    }

    @Override
    public void deliver(Publication publication) {
        Topic.Inbox topic = (Topic.Inbox) publication.topic();
        String user = topic.userId();
        long seq = topic.seq();
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
                stream.now = clock.instant();
                if (stream.position.offer(seq, stream::stored, stream::sendStored)) {
                    connection.send(publication.payload());
                    metrics.meters().notificationDelivered();
                }
            }
        }
    }

    /**
     * Cluster mode: the bus may have lost publications (it was interrupted, or a periodic check is due). Sends each
     * stream what the inbox has beyond the stream's last sequence, and then the unread count; the next live
     * publication would repair a gap too, but a lost last one has no next.
     */
    void catchUp(@Observes PublicationsMayBeMissed missed) {
        if (streams.isEmpty()) {
            return;
        }
        Map<String, List<Map.Entry<Connection, Stream>>> byUser = new HashMap<>();
        streams.entrySet()
                .forEach(e -> byUser.computeIfAbsent(e.getKey().userId(), u -> new ArrayList<>())
                        .add(Map.entry(e.getKey(), e.getValue())));
        Map<String, Long> lastSeqs = inbox.lastSeqs(byUser.keySet());
        Instant now = clock.instant();
        int repaired = 0;
        for (Map.Entry<String, List<Map.Entry<Connection, Stream>>> user : byUser.entrySet()) {
            long last = lastSeqs.getOrDefault(user.getKey(), 0L);
            List<Connection> behind = new ArrayList<>();
            for (Map.Entry<Connection, Stream> entry : user.getValue()) {
                Stream stream = entry.getValue();
                synchronized (stream) {
                    if (stream.catchUp(last, now)) {
                        behind.add(entry.getKey());
                    }
                }
            }
            if (!behind.isEmpty()) {
                String unread = Json.write(new NotificationEvent.Unread(inbox.unread(user.getKey(), now)));
                behind.forEach(connection -> connection.send(unread));
                repaired += behind.size();
            }
        }
        if (repaired > 0) {
            LOG.log(Level.INFO, "Notification streams repaired after {0}: {1} connection(s) were behind", new Object[] {
                missed.reason(), repaired
            });
        }
    }

    void closed(@Observes ConnectionClosed closed) {
        streams.remove(closed.connection());
    }

    public static NotificationEvent.Notification view(Notification n, long seq, boolean read) {
        return new NotificationEvent.Notification(
                seq,
                n.getId(),
                n.getTitle(),
                n.getBody(),
                n.getLink(),
                n.getCategory(),
                n.getSeverity(),
                n.getCreatedAt(),
                n.getExpiresAt(),
                read);
    }
}
