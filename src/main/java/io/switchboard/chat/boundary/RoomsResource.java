package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatHistory;
import io.switchboard.chat.control.ChatService;
import io.switchboard.chat.entity.ChatRoom;
import io.switchboard.presence.control.Presence;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rooms, their history and who is online, for pages and other systems. Parameters are checked by their constraints
 * before a method runs: a violation is a 400 problem naming the parameter ({@code ProblemMappers.InvalidParameter}).
 */
@Path("rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    @Inject
    ChatHistory history;
    @Inject
    Presence presence;

    /** A room in the list: {@code online} counts users present now. */
    public record RoomView(String name, Instant createdAt, int online) {
    }

    /** One page of history, oldest first; pass the first message's id as {@code before} for the previous page. */
    public record HistoryView(String room, List<ChatEvent.Message> messages, boolean more) {
    }

    public record PresenceView(String room, List<String> members) {
    }

    @GET
    public List<RoomView> rooms() {
        Map<String, Integer> occupancy = presence.occupancy();
        return history.rooms().stream()
                .map(room -> new RoomView(room.getName(), room.getCreatedAt(), occupancy.getOrDefault(room.getName(), 0)))
                .toList();
    }

    @GET
    @Path("{room}/messages")
    public HistoryView messages(@PathParam("room") @Fields.RoomName String room, @QueryParam("before") Long before,
            @QueryParam("limit") @DefaultValue("50") @Fields.PageLimit int limit) {
        known(room);
        ChatHistory.Page page = history.page(room, before, limit);
        return new HistoryView(room, ChatService.views(page.messages()), page.more());
    }

    @GET
    @Path("{room}/presence")
    public PresenceView presence(@PathParam("room") @Fields.RoomName String room) {
        known(room);
        return new PresenceView(room, presence.members(room));
    }

    private void known(String room) {
        if (!history.roomExists(room)) {
            throw new NotFoundException("no room '" + room + "'");
        }
    }
}
