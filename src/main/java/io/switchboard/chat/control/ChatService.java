package io.switchboard.chat.control;

import io.switchboard.broker.Broker;
import io.switchboard.broker.Publication;
import io.switchboard.broker.Subscriptions;
import io.switchboard.chat.boundary.ChatCodec;
import io.switchboard.chat.boundary.ChatCommand;
import io.switchboard.chat.boundary.ChatEvent;
import io.switchboard.chat.entity.ChatMessage;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.presence.control.Presence;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.ErrorCode;
import io.switchboard.websocket.HeartbeatTicked;
import io.switchboard.websocket.InvalidMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Carries out chat commands. Everything that changes a room (join, leave, post) runs under that room's lock, so
 * that storing, presence and publishing happen in one order that every member sees, and a joiner gets each message
 * either in its history or live, never both and never neither.
 */
@ApplicationScoped
public class ChatService {

    /** Per room and per direct-message pair; an entry lives only while in use, so new rooms leave nothing behind. */
    private final KeyedLocks roomLocks = new KeyedLocks();
    /** Readers of private rooms: they get the room's messages but may not post or type there. */
    private final Map<String, Set<String>> readOnly = new ConcurrentHashMap<>();

    @Inject
    ChatHistory history;
    @Inject
    Broker broker;
    @Inject
    Presence presence;
    @Inject
    Subscriptions subscriptions;
    @Inject
    SwitchboardConfig config;
    @Inject
    Rooms rooms;
    @Inject
    Connections connections;

    public void handle(Connection connection, ChatCommand command) {
        if (command instanceof ChatCommand.Join join) {
            join(connection, join.room());
        } else if (command instanceof ChatCommand.Leave leave) {
            leave(connection, leave.room());
        } else if (command instanceof ChatCommand.Post post) {
            post(connection, post);
        } else if (command instanceof ChatCommand.Typing typing) {
            requireJoined(connection, typing.room());
            requirePoster(connection, typing.room(), null);
            broker.publish(Publication.toRoom(typing.room(), ChatCodec.encode(
                    new ChatEvent.Typing(typing.room(), connection.userId(), typing.active()))).except(connection.userId()));
        } else if (command instanceof ChatCommand.Direct direct) {
            direct(connection, direct);
        } else if (command instanceof ChatCommand.History page) {
            requireJoined(connection, page.room());
            ChatHistory.Page found = history.page(page.room(), page.before(), page.limit() == null ? config.historySize() : page.limit());
            connection.send(ChatCodec.encode(new ChatEvent.History(page.room(), views(found.messages()), found.more())));
        } else if (command instanceof ChatCommand.Ping ping) {
            connection.send(ChatCodec.encode(new ChatEvent.Pong(ping.ref())));
        }
    }

    private void join(Connection connection, String room) {
        inRoom(room, () -> {
            Rooms.Access access = rooms.enter(room, connection.userId());
            if (!access.read()) {
                throw new InvalidMessage(ErrorCode.FORBIDDEN, "room '" + room + "' is private and you are not a member");
            }
            restrict(room, connection.userId(), access);
            if (presence.enter(room, connection.userId(), connection.id())) {
                broker.publish(Publication.toRoom(room, ChatCodec.encode(ChatEvent.Presence.joined(room, connection.userId()))));
            }
            subscriptions.subscribe(Publication.roomTopic(room), connection);
            ChatHistory.Page recent = history.page(room, null, config.historySize());
            connection.send(ChatCodec.encode(new ChatEvent.Joined(room, views(recent.messages()), presence.members(room))));
            return null;
        });
    }

    private void leave(Connection connection, String room) {
        inRoom(room, () -> {
            if (!subscriptions.unsubscribe(Publication.roomTopic(room), connection)) {
                throw notJoined(room);
            }
            connection.send(ChatCodec.encode(new ChatEvent.Left(room)));
            departed(room, connection);
            return null;
        });
    }

    private void post(Connection connection, ChatCommand.Post post) {
        String room = post.room();
        if (!subscriptions.isSubscribed(Publication.roomTopic(room), connection)) {
            throw new InvalidMessage(ErrorCode.NOT_JOINED, notJoined(room).getMessage(), post.clientId());
        }
        requirePoster(connection, room, post.clientId());
        ChatHistory.Stored stored = inRoom(room, () -> {
            ChatHistory.Stored result = history.store(room, null, connection.userId(), post.clientId(), post.text());
            if (!result.duplicate()) {
                broker.publish(Publication.toRoom(room, ChatCodec.encode(view(result.message()))));
            }
            return result;
        });
        acknowledge(connection, stored);
    }

    private void direct(Connection connection, ChatCommand.Direct direct) {
        String from = connection.userId();
        String conversation = "@" + (from.compareTo(direct.to()) < 0 ? from + "|" + direct.to() : direct.to() + "|" + from);
        ChatHistory.Stored stored = inRoom(conversation, () -> {
            ChatHistory.Stored result = history.store(null, direct.to(), from, direct.clientId(), direct.text());
            if (!result.duplicate()) {
                ChatMessage m = result.message();
                String frame = ChatCodec.encode(new ChatEvent.Direct(m.getId(), from, direct.to(), m.getBody(), m.getSentAt(), m.getClientId()));
                broker.publish(Publication.toUser(direct.to(), frame));
                if (!from.equals(direct.to())) {
                    broker.publish(Publication.toUser(from, frame));
                }
            }
            return result;
        });
        acknowledge(connection, stored);
    }

    private void acknowledge(Connection connection, ChatHistory.Stored stored) {
        ChatMessage m = stored.message();
        connection.send(ChatCodec.encode(new ChatEvent.Ack(m.getClientId(), m.getId(), m.getSentAt(), stored.duplicate())));
    }

    /**
     * Applies a change of a user's membership of a room to their open connections: a user who may no longer read
     * the room is taken out of it (they get {@code left}, the room sees them leave); a reader can no longer post.
     */
    public void membershipChanged(String room, String user) {
        inRoom(room, () -> {
            Rooms.Access access = rooms.access(room, user);
            restrict(room, user, access);
            if (!access.read()) {
                for (Connection connection : connections.ofUser(user)) {
                    if (subscriptions.unsubscribe(Publication.roomTopic(room), connection)) {
                        connection.send(ChatCodec.encode(new ChatEvent.Left(room)));
                        departed(room, connection);
                    }
                }
            }
            return null;
        });
    }

    private void restrict(String room, String user, Rooms.Access access) {
        if (access.read() && !access.post()) {
            readOnly.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(user);
        } else {
            readOnly.computeIfPresent(room, (r, users) -> {
                users.remove(user);
                return users.isEmpty() ? null : users;
            });
        }
    }

    private void requirePoster(Connection connection, String room, String clientId) {
        Set<String> readers = readOnly.get(room);
        if (readers != null && readers.contains(connection.userId())) {
            throw new InvalidMessage(ErrorCode.FORBIDDEN, "you may read room '" + room + "' but not post there", clientId);
        }
    }

    /** Takes a closed connection out of every room it was in; users whose last connection it was have left. */
    void disconnected(@Observes ConnectionClosed closed) {
        Connection connection = closed.connection();
        for (String topic : subscriptions.topicsOf(connection)) {
            if (topic.startsWith("room:")) {
                String room = topic.substring("room:".length());
                inRoom(room, () -> {
                    subscriptions.unsubscribe(topic, connection);
                    departed(room, connection);
                    return null;
                });
            }
        }
    }

    /** Renews presence leases of live connections and announces users whose leases lapsed. */
    void heartbeat(@Observes HeartbeatTicked tick) {
        presence.renew(tick.alive().stream().map(Connection::id).toList());
        for (Presence.Departure departure : presence.expire()) {
            broker.publish(Publication.toRoom(departure.room(),
                    ChatCodec.encode(ChatEvent.Presence.left(departure.room(), departure.userId()))));
        }
    }

    private void departed(String room, Connection connection) {
        if (presence.leave(room, connection.userId(), connection.id())) {
            broker.publish(Publication.toRoom(room, ChatCodec.encode(ChatEvent.Presence.left(room, connection.userId()))));
        }
    }

    private void requireJoined(Connection connection, String room) {
        if (!subscriptions.isSubscribed(Publication.roomTopic(room), connection)) {
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
        return new ChatEvent.Message(m.getId(), m.getRoom(), m.getSenderId(), m.getBody(), m.getSentAt(), m.getClientId());
    }

    public static List<ChatEvent.Message> views(List<ChatMessage> messages) {
        return messages.stream().map(ChatService::view).toList();
    }
}
