package io.switchboard.chat.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A chat room. Public rooms are created by joining them; private rooms are created over REST by their owner, and
 * only their members ({@link RoomMember}) may join them, read their history or post.
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

    protected ChatRoom() {}

    public ChatRoom(String name, Instant createdAt) {
        this(name, createdAt, false, null);
    }

    public ChatRoom(String name, Instant createdAt, boolean privateRoom, String owner) {
        this.name = name;
        this.createdAt = createdAt.toEpochMilli();
        this.privateRoom = privateRoom;
        this.owner = owner;
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
