package io.switchboard.chat.control;

import io.switchboard.broker.GaplessStream;
import io.switchboard.broker.Publication;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.broker.Subscriptions;
import io.switchboard.broker.Topic;
import io.switchboard.broker.TopicHandler;
import io.switchboard.chat.entity.ChatMessage;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.OutboundFrame;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last step of a room message's way (stored with its room sequence number → published → delivered, here): each
 * room's stream on this node, which sends the room's members here every message once, in sequence order, whatever
 * the order in which the bus brings them. A message whose number is beyond the next one is preceded by the ones in
 * between, read from the history; a number already sent is dropped; when the bus may have lost messages (its
 * connection was interrupted, or a periodic check is due) each stream catches up from the history. A connection that
 * joined with a history newer than the stream skips what it already has.
 */
@ApplicationScoped
public class RoomStreams implements TopicHandler {

    private static final Logger LOG = Logger.getLogger(RoomStreams.class.getName());

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

    @Inject
    ChatHistory history;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Metrics metrics;

    private Meters meters;

    @PostConstruct
    void meters() {
        meters = metrics.meters();
    }

    /** One room's stream on this node; exists while the room has members here. Guarded by its own lock. */
    private final class Room {
        final String name;
        final Topic.Room topic;
        /** Null until the first member joined. */
        GaplessStream<ChatMessage> position;
        /** Members whose {@code joined} history went beyond the stream: the last number each has. */
        final Map<Connection, Long> ahead = new HashMap<>();

        boolean retired;

        Room(String name) {
            this.name = name;
            this.topic = new Topic.Room(name);
        }

        List<ChatMessage> stored(long after, long before, int limit) {
            return history.between(name, after, before, limit);
        }

        void sendStored(ChatMessage message) {
            send(message.getSeq(), Json.write(ChatService.view(message)));
        }

        void send(long seq, String frame) {
            Collection<Connection> receivers = subscriptions.subscribers(topic);
            if (!ahead.isEmpty()) {
                List<Connection> behind = new ArrayList<>(receivers);
                behind.removeIf(c -> ahead.getOrDefault(c, 0L) >= seq);
                ahead.values().removeIf(last -> last <= seq);
                receivers = behind;
            }
            Connection.broadcast(receivers, null, new OutboundFrame(frame), meters);
        }

        /** Drops the stream of a room without members here, under its lock; a joiner makes a new one. */
        boolean retireIfEmpty() {
            if (subscriptions.subscribers(topic).isEmpty()) {
                retired = true;
                rooms.remove(name, this);
                return true;
            }
            return false;
        }
    }

    /**
     * Makes a connection a member of a room's stream: under the stream's lock (no message of the room reaches it in
     * between) {@code sendJoined} is given the last sequence number the stream has sent (-1 for a new stream, which
     * has sent nothing), sends the {@code joined} frame with its history and returns the last sequence number of the
     * room it was sent (or knows of); the connection is then subscribed, and gets every message after that number
     * once. A history read before the lock is complete if it reaches the number given: what the stream sends later
     * comes after it.
     */
    public void join(Connection connection, String room, LongUnaryOperator sendJoined) {
        while (true) {
            Room stream = rooms.computeIfAbsent(room, Room::new);
            synchronized (stream) {
                if (stream.retired) {
                    continue;
                }
                long last = sendJoined.applyAsLong(stream.position == null ? -1 : stream.position.last());
                subscriptions.subscribe(stream.topic, connection);
                if (stream.position == null) {
                    stream.position = new GaplessStream<>(last, ChatMessage::getSeq);
                } else if (last > stream.position.last()) {
                    stream.ahead.put(connection, last);
                }
                return;
            }
        }
    }

    @Override
    public Class<Topic.RoomMessage> kind() {
        return Topic.RoomMessage.class;
    }

    @Override
    public void deliver(Publication publication) {
        Topic.RoomMessage topic = (Topic.RoomMessage) publication.topic();
        Room stream = rooms.get(topic.room());
        if (stream == null) {
            return; // no member here
        }
        synchronized (stream) {
            if (stream.retired || stream.position == null || stream.retireIfEmpty()) {
                return;
            }
            boolean send;
            try {
                send = stream.position.offer(topic.seq(), stream::stored, stream::sendStored);
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "Room {0}: messages before {1} could not be read from the history, held back until the"
                                + " next catch-up: {2}",
                        new Object[] {topic.room(), topic.seq(), e.toString()});
                return;
            }
            if (send) {
                stream.send(topic.seq(), publication.payload());
            }
        }
    }

    /**
     * Cluster mode: the bus may have lost messages (it was interrupted, or a periodic check is due). Sends each room's
     * members here what the history has beyond the stream's last number, in order.
     */
    void catchUp(@Observes PublicationsMayBeMissed missed) {
        if (rooms.isEmpty()) {
            return;
        }
        int repaired = 0;
        try {
            Map<String, Long> lastSeqs = history.lastSeqs(List.copyOf(rooms.keySet()));
            for (Room stream : rooms.values()) {
                synchronized (stream) {
                    if (stream.retired || stream.position == null || stream.retireIfEmpty()) {
                        continue;
                    }
                    long last = lastSeqs.getOrDefault(stream.name, 0L);
                    if (stream.position.catchUp(last, stream::stored, stream::sendStored)) {
                        repaired++;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Room streams could not catch up after {0} (next check repairs): {1}", new Object[] {
                missed.reason(), e.toString()
            });
        }
        if (repaired > 0) {
            LOG.log(Level.INFO, "Room streams repaired after {0}: {1} room(s) were behind", new Object[] {
                missed.reason(), repaired
            });
        }
    }
}
