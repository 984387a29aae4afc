package io.switchboard.chat.control;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.time.Instant;
import java.util.List;

/** What the server sends on {@code /ws/chat}; the {@code type} field says which. Errors are {@code error} frames, the first
 * frame is {@code welcome} (see {@link io.switchboard.websocket.WelcomeFrame}). */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "joined", type = ChatEvent.Joined.class),
            @JsonbSubtype(alias = "left", type = ChatEvent.Left.class),
            @JsonbSubtype(alias = "message", type = ChatEvent.Message.class),
            @JsonbSubtype(alias = "ack", type = ChatEvent.Ack.class),
            @JsonbSubtype(alias = "presence", type = ChatEvent.Presence.class),
            @JsonbSubtype(alias = "occupancy", type = ChatEvent.Occupancy.class),
            @JsonbSubtype(alias = "members", type = ChatEvent.Members.class),
            @JsonbSubtype(alias = "typing", type = ChatEvent.Typing.class),
            @JsonbSubtype(alias = "direct", type = ChatEvent.Direct.class),
            @JsonbSubtype(alias = "history", type = ChatEvent.History.class),
            @JsonbSubtype(alias = "pong", type = ChatEvent.Pong.class)
        })
public sealed interface ChatEvent {

    /**
     * Reply to {@code join}: the room's recent history (oldest first; with {@code since}, only messages after that
     * sequence number) and the users present, including you, sorted: all of them, or in a large room the first page,
     * with {@code next} (absent when the list is complete) to ask for the rest with {@code members}. {@code count}
     * is how many users are present.
     */
    record Joined(String room, List<Message> history, List<String> members, int count, String next)
            implements ChatEvent {

        /** A small room's reply: every member. */
        public Joined(String room, List<Message> history, List<String> members) {
            this(room, history, members, members.size(), null);
        }
    }

    /** Reply to {@code leave}. */
    record Left(String room) implements ChatEvent {}

    /**
     * A message posted to a room, to every connection in it, in the same order for all: {@code seq} is its place in
     * the room (1, 2, 3, ... without gaps, on every node).
     */
    record Message(long id, long seq, String room, String from, String text, Instant ts, String clientId)
            implements ChatEvent {}

    /**
     * Reply to {@code post} or {@code direct}: stored under {@code id} (and, for a room message, as number
     * {@code seq} of the room); {@code duplicate} when it was a retry.
     */
    record Ack(String clientId, long id, Long seq, Instant ts, boolean duplicate) implements ChatEvent {}

    /** A user became present ({@code joined}) or absent ({@code left}) in a room. */
    record Presence(String room, String user, String event) implements ChatEvent {
        public static Presence joined(String room, String user) {
            return new Presence(room, user, "joined");
        }

        public static Presence left(String room, String user) {
            return new Presence(room, user, "left");
        }
    }

    /**
     * A large room's presence, instead of one {@code presence} frame per change: how many users are present, and
     * who arrived and who left since the room's previous {@code occupancy} frame (at most one per room per interval
     * from each node). {@code truncated} when there were more changes than the frame names.
     */
    record Occupancy(String room, int count, List<String> joined, List<String> left, boolean truncated)
            implements ChatEvent {}

    /**
     * Reply to {@code members}: a page of the users present, sorted, after the {@code after} asked for; {@code next}
     * asks for the page after this one, absent on the last page.
     */
    record Members(String room, List<String> members, int count, String next) implements ChatEvent {}

    /** Someone in the room started or stopped typing. */
    record Typing(String room, String user, boolean active) implements ChatEvent {}

    /** A direct message, to the addressee's and the sender's connections. */
    record Direct(long id, String from, String to, String text, Instant ts, String clientId) implements ChatEvent {}

    /** Reply to {@code history}: older messages, oldest first; {@code more} when there are older ones still. */
    record History(String room, List<Message> messages, boolean more) implements ChatEvent {}

    /** Reply to {@code ping}. */
    record Pong(String ref) implements ChatEvent {}
}
