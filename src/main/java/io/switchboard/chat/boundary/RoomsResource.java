package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.chat.control.ChatHistory;
import io.switchboard.chat.control.ChatService;
import io.switchboard.chat.control.Rooms;
import io.switchboard.chat.entity.ChatRoom;
import io.switchboard.chat.entity.RoomMember;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.presence.control.Presence;
import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.security.boundary.Caller;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rooms, their history, who is online and, for private rooms, who belongs: for pages and other systems. Every call
 * needs an authenticated caller; private rooms are invisible to non-members (403 when named directly). Parameters
 * are checked by their constraints before a method runs: a violation is a 400 problem naming the parameter
 * ({@code ProblemMappers.InvalidParameter}).
 */
@Path("rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    ChatHistory history;

    @Inject
    Rooms rooms;

    @Inject
    ChatService chat;

    @Inject
    Presence presence;

    @Inject
    SwitchboardConfig config;

    @Context
    SecurityContext caller;

    /** A room in the list: {@code online} counts users present now. */
    public record RoomView(String name, Instant createdAt, int online, boolean privateRoom, String owner) {}

    /** One page of history, oldest first; pass the first message's {@code seq} as {@code before} for the previous page. */
    public record HistoryView(String room, List<ChatEvent.Message> messages, boolean more) {}

    public record PresenceView(String room, List<String> members) {}

    /** {@code {"name":"team","privateRoom":true,"members":["bob"]}}: the caller owns the new room. */
    public record NewRoom(
            @NotNull @Fields.RoomName String name,
            Boolean privateRoom,
            List<@NotNull @Fields.UserName String> members) {}

    public record MemberView(String user, String role) {}

    public record MembersView(String room, String owner, List<MemberView> members) {}

    /** {@code {"role":"member"}} or {@code {"role":"reader"}}. */
    public record Membership(String role) {}

    @GET
    public List<RoomView> rooms() {
        String user = Caller.user(caller);
        Map<String, Integer> occupancy = presence.occupancy();
        return rooms.visibleTo(user).stream()
                .map(room -> view(room, occupancy.getOrDefault(room.getName(), 0)))
                .toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewRoom request) {
        String owner = Caller.user(caller);
        if (request == null) {
            throw InvalidMessage.missing("name");
        }
        String name = Constraints.check(request).name();
        List<String> members = request.members() == null ? List.of() : request.members();
        ChatRoom created = rooms.create(name, Boolean.TRUE.equals(request.privateRoom()), owner, members)
                .orElseThrow(() -> new ClientErrorException("room '" + name + "' exists", Response.Status.CONFLICT));
        return Response.status(Response.Status.CREATED).entity(view(created, 0)).build();
    }

    @GET
    @Path("{room}/messages")
    public HistoryView messages(
            @PathParam("room") @Fields.RoomName String room,
            @QueryParam("before") Long before,
            @QueryParam("limit") @DefaultValue("50") @Fields.PageLimit Integer limit) {
        readable(room);
        ChatHistory.Page page = history.page(room, before, limit);
        return new HistoryView(room, ChatService.views(page.messages()), page.more());
    }

    @GET
    @Path("{room}/presence")
    public PresenceView presence(@PathParam("room") @Fields.RoomName String room) {
        readable(room);
        return new PresenceView(room, presence.members(room));
    }

    @GET
    @Path("{room}/members")
    public MembersView members(@PathParam("room") @Fields.RoomName String room) {
        ChatRoom found = readable(room);
        return new MembersView(
                room,
                owner(found),
                rooms.members(room).stream()
                        .map(m ->
                                new MemberView(m.getUserId(), m.getRole().name().toLowerCase(Locale.ROOT)))
                        .toList());
    }

    /** Adds a member or changes their role (the room's owner or an admin). */
    @PUT
    @Path("{room}/members/{user}")
    @Consumes(MediaType.APPLICATION_JSON)
    public MembersView setMember(
            @PathParam("room") @Fields.RoomName String room,
            @PathParam("user") @Fields.UserName String user,
            Membership membership) {
        managed(room);
        String role = membership == null || membership.role() == null ? "member" : membership.role();
        RoomMember.Role parsed = switch (role) {
            case "member" -> RoomMember.Role.MEMBER;
            case "reader" -> RoomMember.Role.READER;
            default -> throw InvalidMessage.invalid("role", "must be 'member' or 'reader'");
        };
        rooms.setMember(room, user, parsed);
        chat.membershipChanged(room, user);
        return members(room);
    }

    /** Removes a member (the room's owner, an admin, or the member themself); they are taken out of the room at once. */
    @DELETE
    @Path("{room}/members/{user}")
    public MembersView removeMember(
            @PathParam("room") @Fields.RoomName String room, @PathParam("user") @Fields.UserName String user) {
        if (!Caller.user(caller).equals(user)) {
            managed(room);
        }
        if (!rooms.removeMember(room, user)) {
            throw new NotFoundException("'" + user + "' is not a member of room '" + room + "'");
        }
        chat.membershipChanged(room, user);
        return members(room);
    }

    private ChatRoom readable(String room) {
        String user = Caller.user(caller);
        ChatRoom found = known(room);
        if (!rooms.access(found, user).read()) {
            throw Caller.forbidden("room '" + room + "' is private and you are not a member");
        }
        return found;
    }

    private ChatRoom managed(String room) {
        String user = Caller.user(caller);
        ChatRoom found = known(room);
        if (!found.isPrivate()) {
            throw InvalidMessage.invalid("room", "is public: it has no member list");
        }
        if (!user.equals(found.getOwner()) && !caller.isUserInRole(config.adminRole())) {
            throw Caller.forbidden("only the room's owner or an admin may change its members");
        }
        return found;
    }

    private ChatRoom known(String room) {
        return rooms.find(room).orElseThrow(() -> new NotFoundException("no room '" + room + "'"));
    }

    private static RoomView view(ChatRoom room, int online) {
        return new RoomView(room.getName(), room.getCreatedAt(), online, room.isPrivate(), owner(room));
    }

    /** A private room's owner; a public room has none to show, whoever created it (docs/protocol.md). */
    private static String owner(ChatRoom room) {
        return room.isPrivate() ? room.getOwner() : null;
    }
}
