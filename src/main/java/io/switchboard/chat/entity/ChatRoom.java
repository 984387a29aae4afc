package io.switchboard.chat.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A room someone has joined at least once. Rooms are created by joining them. */
@Entity
@Table(name = "SB_CHAT_ROOM")
public class ChatRoom {

    @Id
    @Column(name = "NAME", length = 64)
    private String name;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    protected ChatRoom() {
    }

    public ChatRoom(String name, Instant createdAt) {
        this.name = name;
        this.createdAt = createdAt.toEpochMilli();
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return Instant.ofEpochMilli(createdAt);
    }
}
