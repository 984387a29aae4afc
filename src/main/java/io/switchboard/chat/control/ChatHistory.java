package io.switchboard.chat.control;

import io.switchboard.chat.entity.ChatMessage;
import io.switchboard.chat.entity.ChatRoom;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Chat messages and rooms in the database. Each method is one transaction: when it returns, it is durable. */
@ApplicationScoped
@Transactional
public class ChatHistory {

    @Inject
    Clock clock;

    @PersistenceContext
    EntityManager em;

    /** A message after {@link #store}: {@code duplicate} when the sender's client id was already stored. */
    public record Stored(ChatMessage message, boolean duplicate) {}

    /** One page of a room's history, oldest first. */
    public record Page(List<ChatMessage> messages, boolean more) {}

    /**
     * Stores a message once per sender and client id. A room message takes the room's next sequence number under
     * the room row's lock ({@code SELECT ... FOR UPDATE}), held until this transaction commits: posts to one room
     * from any number of nodes get 1, 2, 3, ... in commit order, without gap or duplicate, and a retry of the same
     * client id is recognised even when it arrives on another node at the same moment. {@code allowed} sees the locked
     * room row first (not called for a direct message) and throws to refuse the message: the poster's access is
     * decided on the row this transaction holds, with no read of its own.
     */
    public Stored store(
            String room, String recipient, String senderId, String clientId, String text, Consumer<ChatRoom> allowed) {
        ChatRoom locked = room == null ? null : em.find(ChatRoom.class, room, LockModeType.PESSIMISTIC_WRITE);
        if (room != null && locked == null) {
            throw new IllegalStateException("room '" + room + "' is not stored"); // joining a room stores it
        }
        if (locked != null) {
            allowed.accept(locked);
        }
        List<ChatMessage> existing = em.createNamedQuery(ChatMessage.BY_CLIENT_ID, ChatMessage.class)
                .setParameter("sender", senderId)
                .setParameter("clientId", clientId)
                .getResultList();
        if (!existing.isEmpty()) {
            return new Stored(existing.get(0), true);
        }
        Long seq = locked == null ? null : locked.nextSeq();
        ChatMessage message = new ChatMessage(room, seq, recipient, senderId, clientId, text, clock.instant());
        em.persist(message);
        em.flush();
        return new Stored(message, false);
    }

    /** A joiner's history: the newest messages after a number, and the room's last number it covers. */
    public record Recent(List<ChatMessage> messages, long last) {}

    /**
     * A joiner's history: the newest messages of a room after sequence number {@code after}, at most {@code limit},
     * oldest first, and the room's last number (the newest of them; with none, {@code after} 0 means the room has no
     * messages yet, and otherwise the room's last number is read).
     */
    public Recent recent(String room, long after, int limit) {
        List<ChatMessage> messages = page(room, after, null, limit).messages();
        if (!messages.isEmpty()) {
            return new Recent(messages, messages.get(messages.size() - 1).getSeq()); // numbers are in commit order
        }
        return new Recent(messages, after == 0 ? 0 : lastSeqs(List.of(room)).getOrDefault(room, 0L));
    }

    /**
     * {@link #recent} of a public room, in one transaction with the look-up that shows it is public (a room never
     * changes between public and private, so everyone may read it); empty when the room is private or not stored yet.
     */
    public Optional<Recent> recentOfPublicRoom(String room, long after, int limit) {
        ChatRoom found = em.find(ChatRoom.class, room);
        if (found == null || found.isPrivate()) {
            return Optional.empty();
        }
        return Optional.of(recent(room, after, limit));
    }

    /** The newest messages of a room before sequence number {@code before} (exclusive; null for the newest). */
    public Page page(String room, Long before, int limit) {
        return page(room, 0, before, limit);
    }

    /**
     * The newest messages of a room with {@code after < seq < before} ({@code before} null: no upper bound), at most
     * {@code limit}, oldest first; {@code more} when older ones in that range were left out.
     */
    public Page page(String room, long after, Long before, int limit) {
        List<ChatMessage> newestFirst = em.createNamedQuery(ChatMessage.ROOM_NEWEST_FIRST, ChatMessage.class)
                .setParameter("room", room)
                .setParameter("after", after)
                .setParameter("before", before == null ? Long.MAX_VALUE : before)
                .setMaxResults(limit + 1)
                .getResultList();
        boolean more = newestFirst.size() > limit;
        List<ChatMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
        Collections.reverse(page);
        return new Page(page, more);
    }

    /** A room's messages with {@code after < seq < before}, oldest first, at most {@code limit} (gap repair). */
    public List<ChatMessage> between(String room, long after, long before, int limit) {
        return em.createNamedQuery(ChatMessage.ROOM_OLDEST_FIRST, ChatMessage.class)
                .setParameter("room", room)
                .setParameter("after", after)
                .setParameter("before", before)
                .setMaxResults(limit)
                .getResultList();
    }

    /** The last sequence number given out in each of these rooms (committed: numbers are given in commit order). */
    public Map<String, Long> lastSeqs(Collection<String> rooms) {
        if (rooms.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> last = new HashMap<>();
        em.createQuery("SELECT r.name, r.lastSeq FROM ChatRoom r WHERE r.name IN :rooms", Object[].class)
                .setParameter("rooms", rooms)
                .getResultList()
                .forEach(row -> last.put((String) row[0], row[1] == null ? 0L : ((Number) row[1]).longValue()));
        return last;
    }
}
