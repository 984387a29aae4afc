package io.switchboard.chat.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * A stored chat message: posted to a room ({@code room} set) or sent directly to one user ({@code recipient} set).
 * A sender's client message id is unique, which makes a retried send a no-op. A room message has the room's next
 * sequence number ({@code seq}: 1, 2, 3, ... per room, given out in the storing transaction under the room row's
 * lock), which is its place in the room's order; the id only identifies it (ids come from a sequence allocated in
 * blocks per node, so on several nodes they do not follow the order of posting).
 */
@Entity
@Table(
        name = "SB_CHAT_MESSAGE",
        uniqueConstraints = {
            @UniqueConstraint(
                    name = "SB_CHAT_MESSAGE_CLIENT",
                    columnNames = {"SENDER_ID", "CLIENT_ID"}),
            @UniqueConstraint(
                    name = "SB_CHAT_MESSAGE_ROOM_SEQ",
                    columnNames = {"ROOM_NAME", "ROOM_SEQ"})
        })
@NamedQuery(
        name = ChatMessage.BY_CLIENT_ID,
        query = "SELECT m FROM ChatMessage m WHERE m.senderId = :sender AND m.clientId = :clientId")
@NamedQuery(
        name = ChatMessage.ROOM_NEWEST_FIRST,
        query = "SELECT m FROM ChatMessage m WHERE m.room = :room AND m.seq > :after AND m.seq < :before"
                + " ORDER BY m.seq DESC")
@NamedQuery(
        name = ChatMessage.ROOM_OLDEST_FIRST,
        query = "SELECT m FROM ChatMessage m WHERE m.room = :room AND m.seq > :after AND m.seq < :before"
                + " ORDER BY m.seq")
public class ChatMessage {

    public static final String BY_CLIENT_ID = "ChatMessage.byClientId";
    public static final String ROOM_NEWEST_FIRST = "ChatMessage.roomNewestFirst";
    public static final String ROOM_OLDEST_FIRST = "ChatMessage.roomOldestFirst";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "SB_CHAT_MESSAGE_SEQ")
    @SequenceGenerator(name = "SB_CHAT_MESSAGE_SEQ", sequenceName = "SB_CHAT_MESSAGE_SEQ", allocationSize = 50)
    @Column(name = "ID")
    private Long id;

    @Column(name = "ROOM_NAME", length = 64)
    private String room;

    /** The message's place in its room (null for a direct message). */
    @Column(name = "ROOM_SEQ")
    private Long seq;

    @Column(name = "RECIPIENT_ID", length = 255)
    private String recipient;

    @Column(name = "SENDER_ID", nullable = false, length = 255)
    private String senderId;

    @Column(name = "CLIENT_ID", nullable = false, length = 64)
    private String clientId;

    @Column(name = "BODY", nullable = false, length = 4000)
    private String body;

    /** Epoch milliseconds: stored as a plain number so every JPA provider and database agrees on it. */
    @Column(name = "SENT_AT", nullable = false)
    private long sentAt;

    protected ChatMessage() {}

    public ChatMessage(
            String room, Long seq, String recipient, String senderId, String clientId, String body, Instant sentAt) {
        this.room = room;
        this.seq = seq;
        this.recipient = recipient;
        this.senderId = senderId;
        this.clientId = clientId;
        this.body = body;
        this.sentAt = sentAt.toEpochMilli();
    }

    public Long getId() {
        return id;
    }

    public String getRoom() {
        return room;
    }

    /** The room sequence number; null for a direct message. */
    public Long getSeq() {
        return seq;
    }

    public String getRecipient() {
        return recipient;
    }

    public String getSenderId() {
        return senderId;
    }

    public String getClientId() {
        return clientId;
    }

    public String getBody() {
        return body;
    }

    public Instant getSentAt() {
        return Instant.ofEpochMilli(sentAt);
    }
}
