package io.switchboard.chat.control;

import io.switchboard.chat.entity.ChatMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    public Stored store(String room, String recipient, String senderId, String clientId, String text) {
        List<ChatMessage> existing = em.createNamedQuery(ChatMessage.BY_CLIENT_ID, ChatMessage.class)
                .setParameter("sender", senderId)
                .setParameter("clientId", clientId)
                .getResultList();
        if (!existing.isEmpty()) {
            return new Stored(existing.get(0), true);
        }
        ChatMessage message = new ChatMessage(room, recipient, senderId, clientId, text, clock.instant());
        em.persist(message);
        em.flush();
        return new Stored(message, false);
    }

    /** The newest messages of a room before message id {@code before} (exclusive; null for the newest). */
    public Page page(String room, Long before, int limit) {
        List<ChatMessage> newestFirst = em.createNamedQuery(ChatMessage.ROOM_NEWEST_FIRST, ChatMessage.class)
                .setParameter("room", room)
                .setParameter("before", before == null ? Long.MAX_VALUE : before)
                .setMaxResults(limit + 1)
                .getResultList();
        boolean more = newestFirst.size() > limit;
        List<ChatMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
        Collections.reverse(page);
        return new Page(page, more);
    }
}
