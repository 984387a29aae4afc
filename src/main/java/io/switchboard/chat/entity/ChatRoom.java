package io.switchboard.chat.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A chat room. Public rooms are created by joining them; private rooms are created over REST by their owner, and
 * only their members ({@link RoomMember}) may join them, read their history or post. The row holds the last
 * sequence number given to a message of the room: a post locks it, so sequence numbers have no gap and no duplicate
 * and follow commit order, also when several nodes post to the room at once.
 */
@Entity
@Table(name = "SB_CHAT_ROOM")
public class ChatRoom {

    @Id
    @Column(name = "NAME", length = 64)
    private String name;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "PRIVATE_ROOM")
    private Boolean privateRoom;

    @Column(name = "OWNER_ID", length = 32)
    private String owner;

    /** Null only in rooms stored before room sequences existed, until {@code ChatHistory} numbers their messages. */
    @Column(name = "LAST_SEQ")
    private Long lastSeq;

    protected ChatRoom() {}

    public ChatRoom(String name, Instant createdAt) {
        this(name, createdAt, false, null);
    }

    public ChatRoom(String name, Instant createdAt, boolean privateRoom, String owner) {
        this.name = name;
        this.createdAt = createdAt.toEpochMilli();
        this.privateRoom = privateRoom;
        this.owner = owner;
        this.lastSeq = 0L;
    }

    /** Gives out the room's next message sequence number; the caller holds the row's lock. */
    public long nextSeq() {
        lastSeq = (lastSeq == null ? 0 : lastSeq) + 1;
        return lastSeq;
    }

    public boolean isPrivate() {
        return Boolean.TRUE.equals(privateRoom);
    }

    /** The user who created the room over REST; null for rooms created by joining. */
    public String getOwner() {
        return owner;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return Instant.ofEpochMilli(createdAt);
    }
}
