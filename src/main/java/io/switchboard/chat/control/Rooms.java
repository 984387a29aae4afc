package io.switchboard.chat.control;

import io.switchboard.chat.entity.ChatRoom;
import io.switchboard.chat.entity.RoomMember;
import io.switchboard.config.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Rooms and who may do what in them: anyone in a public room, members (or readers) in a private one. */
@ApplicationScoped
@Transactional
public class Rooms {

    @Inject
    Clock clock;

    @Inject
    Database database;

    @PersistenceContext
    EntityManager em;

    /** What a user may do in a room. A room that does not exist yet is public (joining creates it). */
    public record Access(boolean read, boolean post) {
        static final Access FULL = new Access(true, true);
        static final Access NONE = new Access(false, false);
    }

    public Access access(String room, String user) {
        return access(em.find(ChatRoom.class, room), user);
    }

    /** What a user may do in a room already looked up ({@code null}: it does not exist yet). */
    public Access access(ChatRoom room, String user) {
        if (room == null || !room.isPrivate() || user.equals(room.getOwner())) {
            return Access.FULL;
        }
        return member(room.getName(), user)
                .map(m -> m.getRole() == RoomMember.Role.MEMBER ? Access.FULL : new Access(true, false))
                .orElse(Access.NONE);
    }

    /**
     * What a user joining a room may do there; a room that does not exist yet is created, public, in the same
     * transaction.
     */
    public Access enter(String room, String user) {
        ChatRoom found = em.find(ChatRoom.class, room);
        if (found == null && database.isPostgreSql()) {
            // another node may create it at the same moment: the loser's insert does nothing, and finds the winner's
            em.createNativeQuery("INSERT INTO SB_CHAT_ROOM (NAME, CREATED_AT, PRIVATE_ROOM, LAST_SEQ)"
                            + " VALUES (?1, ?2, FALSE, 0) ON CONFLICT (NAME) DO NOTHING")
                    .setParameter(1, room)
                    .setParameter(2, clock.instant().toEpochMilli())
                    .executeUpdate();
            found = em.find(ChatRoom.class, room);
        }
        if (found == null) {
            em.persist(new ChatRoom(room, clock.instant()));
            return Access.FULL;
        }
        return access(found, user);
    }

    /** Creates a room owned by {@code owner}; empty when a room of that name exists. */
    public Optional<ChatRoom> create(String room, boolean privateRoom, String owner, Collection<String> members) {
        if (em.find(ChatRoom.class, room) != null) {
            return Optional.empty();
        }
        ChatRoom created = new ChatRoom(room, clock.instant(), privateRoom, owner);
        em.persist(created);
        if (privateRoom) {
            Set<String> unique = new HashSet<>(members);
            unique.remove(owner);
            unique.forEach(user -> em.persist(new RoomMember(room, user, RoomMember.Role.MEMBER)));
        }
        return Optional.of(created);
    }

    public Optional<ChatRoom> find(String room) {
        return Optional.ofNullable(em.find(ChatRoom.class, room));
    }

    /** Public rooms and the private rooms the user owns or belongs to. */
    public List<ChatRoom> visibleTo(String user) {
        Set<String> mine = new HashSet<>(em.createNamedQuery(RoomMember.ROOMS_OF, String.class)
                .setParameter("user", user)
                .getResultList());
        return em.createQuery("SELECT r FROM ChatRoom r ORDER BY r.name", ChatRoom.class).getResultList().stream()
                .filter(r -> !r.isPrivate() || user.equals(r.getOwner()) || mine.contains(r.getName()))
                .toList();
    }

    public List<RoomMember> members(String room) {
        return em.createNamedQuery(RoomMember.OF_ROOM, RoomMember.class)
                .setParameter("room", room)
                .getResultList();
    }

    public void setMember(String room, String user, RoomMember.Role role) {
        member(room, user).ifPresentOrElse(m -> m.setRole(role), () -> em.persist(new RoomMember(room, user, role)));
    }

    public boolean removeMember(String room, String user) {
        Optional<RoomMember> found = member(room, user);
        found.ifPresent(em::remove);
        return found.isPresent();
    }

    private Optional<RoomMember> member(String room, String user) {
        return em.createNamedQuery(RoomMember.ONE, RoomMember.class)
                .setParameter("room", room)
                .setParameter("user", user)
                .getResultStream()
                .findFirst();
    }
}
