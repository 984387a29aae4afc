package io.switchboard.chat.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** A user's membership of a private room, with what they may do there. */
@Entity
@Table(
        name = "SB_ROOM_MEMBER",
        uniqueConstraints =
                @UniqueConstraint(
                        name = "SB_ROOM_MEMBER_UQ",
                        columnNames = {"ROOM", "USER_ID"}))
@NamedQuery(name = RoomMember.OF_ROOM, query = "SELECT m FROM RoomMember m WHERE m.room = :room ORDER BY m.userId")
@NamedQuery(name = RoomMember.ONE, query = "SELECT m FROM RoomMember m WHERE m.room = :room AND m.userId = :user")
@NamedQuery(name = RoomMember.ROOMS_OF, query = "SELECT m.room FROM RoomMember m WHERE m.userId = :user")
public class RoomMember {

    public static final String OF_ROOM = "RoomMember.ofRoom";
    public static final String ONE = "RoomMember.one";
    public static final String ROOMS_OF = "RoomMember.roomsOf";

    /** {@code member}: reads and posts; {@code reader}: reads history and live messages, may not post. */
    public enum Role {
        MEMBER,
        READER
    }

    @Id
    @SequenceGenerator(name = "SB_ROOM_MEMBER_SEQ", sequenceName = "SB_ROOM_MEMBER_SEQ", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "SB_ROOM_MEMBER_SEQ")
    private Long id;

    @Column(name = "ROOM", length = 64, nullable = false)
    private String room;

    @Column(name = "USER_ID", length = 32, nullable = false)
    private String userId;

    @Enumerated(EnumType.STRING)
    @Column(name = "MEMBER_ROLE", length = 16, nullable = false)
    private Role role;

    protected RoomMember() {}

    public RoomMember(String room, String userId, Role role) {
        this.room = room;
        this.userId = userId;
        this.role = role;
    }

    public String getRoom() {
        return room;
    }

    public String getUserId() {
        return userId;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }
}
