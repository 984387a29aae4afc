package io.switchboard.chat.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.Subscriptions;
import io.switchboard.broker.Topic;
import io.switchboard.chat.entity.ChatMessage;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Metrics;
import io.switchboard.presence.control.Presence;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.HeartbeatTicked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Carries out chat commands (the boundary's {@code ChatCommands} dispatches them here). Everything that changes a room (join, leave, post) runs under that room's lock, so
 * that storing, presence and publishing happen in one order that every member sees, and a joiner gets each message
 * either in its history or live, never both and never neither.
 */
@ApplicationScoped
public class ChatService {

    /** Per room and per direct-message pair; an entry lives only while in use, so new rooms leave nothing behind. */
    private final KeyedLocks roomLocks = new KeyedLocks();

    @Inject
    ChatHistory history;

    @Inject
    Broker broker;

    @Inject
    Presence presence;

    @Inject
    RoomStreams streams;

    @Inject
    Subscriptions subscriptions;

    @Inject
    SwitchboardConfig config;

    @Inject
    Rooms rooms;

    @Inject
    Connections connections;

    @Inject
    Metrics metrics;

    @Inject
    LargeRooms largeRooms;

    /** Typing in a joined room: relayed to the room's other users, never stored. */
    public void typing(Connection connection, String room, boolean active) {
        requireJoined(connection, room);
        requirePoster(connection, room, null);
        broker.publish(Publication.toRoom(room, Json.write(new ChatEvent.Typing(room, connection.userId(), active)))
                .except(connection.userId()));
    }

    /** A page of a joined room's history, older than sequence number {@code before} (null: the newest). */
    public void history(Connection connection, String room, Long before, Integer limit) {
        requireJoined(connection, room);
        ChatHistory.Page found = history.page(room, before, limit == null ? config.historySize() : limit);
        connection.send(Json.write(new ChatEvent.History(room, views(found.messages()), found.more())));
    }

    /**
     * Enters a room: {@code joined} with recent history (only messages after sequence number {@code since}, when
     * given) and who is present; the room sees the user join. The database is read before the room's lock where it
     * can be, so that joins into one room queue only for what must be in order (presence, the stream): a public
     * room's history read ahead is sent unless the room's stream here is new or sent newer messages meanwhile; a
     * private room's access (which may be withdrawn at any moment) and a room not stored yet are decided under the
     * lock.
     */
    public void join(Connection connection, String room, Long since) {
        long after = since == null ? 0 : Math.max(0, since);
        int limit = config.historySize();
        ChatHistory.Recent early =
                history.recentOfPublicRoom(room, after, limit).orElse(null);
        inRoom(room, () -> {
            if (early == null && !rooms.enter(room, connection.userId()).read()) {
                throw new InvalidMessage(
                        ErrorCode.FORBIDDEN, "room '" + room + "' is private and you are not a member");
            }
            if (presence.enter(room, connection.userId(), connection.id())) {
                largeRooms.arrived(room, connection.userId());
            }
            streams.join(connection, room, sent -> {
                // a new stream has sent nothing: messages published before it reached no one here, so read again
                ChatHistory.Recent recent =
                        early != null && sent >= 0 && early.last() >= sent ? early : history.recent(room, after, limit);
                ChatEvent.Members present = largeRooms.firstPage(room);
                connection.send(Json.write(new ChatEvent.Joined(
                        room, views(recent.messages()), present.members(), present.count(), present.next())));
                return recent.last();
            });
            return null;
        });
    }

    /** A page of a joined room's members, sorted, after {@code after} (null: the first page). */
    public void members(Connection connection, String room, String after, Integer limit) {
        requireJoined(connection, room);
        connection.send(Json.write(largeRooms.page(room, after, limit == null ? config.memberPageSize() : limit)));
    }

    public void leave(Connection connection, String room) {
        inRoom(room, () -> {
            if (!subscriptions.unsubscribe(new Topic.Room(room), connection)) {
                throw notJoined(room);
            }
            connection.send(Json.write(new ChatEvent.Left(room)));
            departed(room, connection);
            return null;
        });
    }

    /** Stores a message once per client id, sends it to the room and acknowledges it. */
    public void post(Connection connection, String room, String text, String clientId) {
        if (!subscriptions.isSubscribed(new Topic.Room(room), connection)) {
            throw notJoined(room).withRef(clientId);
        }
        String user = connection.userId();
        ChatHistory.Stored stored = inRoom(room, () -> {
            ChatHistory.Stored result = history.store(
                    room,
                    null,
                    user,
                    clientId,
                    text,
                    locked -> requirePoster(rooms.access(locked, user), room, clientId));
            if (!result.duplicate()) {
                ChatMessage m = result.message();
                broker.publish(new Publication(new Topic.RoomMessage(room, m.getSeq()), Json.write(view(m))));
            }
            return result;
        });
        acknowledge(connection, stored);
    }

    /** Stores a direct message once per client id, sends it to both users' connections and acknowledges it. */
    public void direct(Connection connection, String to, String text, String clientId) {
        String from = connection.userId();
        String conversation = "@" + (from.compareTo(to) < 0 ? from + "|" + to : to + "|" + from);
        ChatHistory.Stored stored = inRoom(conversation, () -> {
            ChatHistory.Stored result = history.store(null, to, from, clientId, text, locked -> {});
            if (!result.duplicate()) {
                ChatMessage m = result.message();
                String frame = Json.write(
                        new ChatEvent.Direct(m.getId(), from, to, m.getBody(), m.getSentAt(), m.getClientId()));
                broker.publish(Publication.toUser(to, frame));
                if (!from.equals(to)) {
                    broker.publish(Publication.toUser(from, frame));
                }
            }
            return result;
        });
        acknowledge(connection, stored);
    }

    private void acknowledge(Connection connection, ChatHistory.Stored stored) {
        metrics.meters().chatPosted(stored.duplicate());
        ChatMessage m = stored.message();
        connection.send(Json.write(
                new ChatEvent.Ack(m.getClientId(), m.getId(), m.getSeq(), m.getSentAt(), stored.duplicate())));
    }

    /**
     * Applies a change of a user's membership of a room to their open connections: a user who may no longer read
     * the room is taken out of it (they get {@code left}, the room sees them leave). A reader's posts are refused by
     * {@link #requirePoster}.
     */
    public void membershipChanged(String room, String user) {
        inRoom(room, () -> {
            if (!rooms.access(room, user).read()) {
                for (Connection connection : connections.ofUser(user)) {
                    if (subscriptions.unsubscribe(new Topic.Room(room), connection)) {
                        connection.send(Json.write(new ChatEvent.Left(room)));
                        departed(room, connection);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Readers of a private room get its messages but may not post or type there. Asked of the database each time
     * ({@link Rooms}, the one place that decides), so a role changed on any node applies at once.
     */
    private void requirePoster(Connection connection, String room, String clientId) {
        requirePoster(rooms.access(room, connection.userId()), room, clientId);
    }

    private static void requirePoster(Rooms.Access access, String room, String clientId) {
        if (!access.post()) {
            throw new InvalidMessage(
                    ErrorCode.FORBIDDEN, "you may read room '" + room + "' but not post there", clientId);
        }
    }

    /** Takes a closed connection out of every room it was in; users whose last connection it was have left. */
    void disconnected(@Observes ConnectionClosed closed) {
        Connection connection = closed.connection();
        for (Topic.Room topic : subscriptions.topicsOf(connection)) {
            inRoom(topic.name(), () -> {
                subscriptions.unsubscribe(topic, connection);
                departed(topic.name(), connection);
                return null;
            });
        }
    }

    /**
     * Renews presence leases of live connections and announces users whose leases lapsed (in cluster mode also the
     * users of nodes whose lease lapsed) and users present again.
     */
    void heartbeat(@Observes HeartbeatTicked tick) {
        presence.renew(tick.alive().stream().map(Connection::id).toList());
        for (Presence.Departure departure : presence.expire()) {
            largeRooms.departed(departure.room(), departure.userId());
        }
        for (Presence.Arrival arrival : presence.reinstated()) {
            largeRooms.arrived(arrival.room(), arrival.userId());
        }
    }

    private void departed(String room, Connection connection) {
        if (presence.leave(room, connection.userId(), connection.id())) {
            largeRooms.departed(room, connection.userId());
        }
    }

    private void requireJoined(Connection connection, String room) {
        if (!subscriptions.isSubscribed(new Topic.Room(room), connection)) {
            throw notJoined(room);
        }
    }

    private static InvalidMessage notJoined(String room) {
        return new InvalidMessage(ErrorCode.NOT_JOINED, "you have not joined room '" + room + "'");
    }

    private <T> T inRoom(String room, Supplier<T> action) {
        return roomLocks.underLock(room, action);
    }

    public static ChatEvent.Message view(ChatMessage m) {
        return new ChatEvent.Message(
                m.getId(),
                m.getSeq() == null ? 0 : m.getSeq(),
                m.getRoom(),
                m.getSenderId(),
                m.getBody(),
                m.getSentAt(),
                m.getClientId());
    }

    public static List<ChatEvent.Message> views(List<ChatMessage> messages) {
        return messages.stream().map(ChatService::view).toList();
    }
}
