package io.switchboard.chat.boundary;

import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.Fields;
import io.switchboard.protocol.PlainText;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * What a client sends on {@code /ws/chat}; the {@code type} field says which. The constraints on the components are
 * checked when a message is decoded ({@link io.switchboard.websocket.TextCodec}).
 */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "join", type = ChatCommand.Join.class),
            @JsonbSubtype(alias = "leave", type = ChatCommand.Leave.class),
            @JsonbSubtype(alias = "post", type = ChatCommand.Post.class),
            @JsonbSubtype(alias = "typing", type = ChatCommand.Typing.class),
            @JsonbSubtype(alias = "direct", type = ChatCommand.Direct.class),
            @JsonbSubtype(alias = "history", type = ChatCommand.History.class),
            @JsonbSubtype(alias = "members", type = ChatCommand.Members.class),
            @JsonbSubtype(alias = "ping", type = ChatCommand.Ping.class)
        })
public sealed interface ChatCommand extends ClientMessage {

    /**
     * {@code {"type":"join","room":"lobby","since":41}}: enter a room; the reply is {@code joined}, whose history
     * holds only messages after sequence number {@code since} when it is given (catch-up after a reconnect).
     */
    record Join(
            @NotNull @Fields.RoomName String room,
            @Min(value = 0, message = "must be 0 or more") Long since) implements ChatCommand {}

    /** {@code {"type":"leave","room":"lobby"}}. */
    record Leave(@NotNull @Fields.RoomName String room) implements ChatCommand {}

    /** {@code {"type":"post","room":"lobby","text":"hi","clientId":"c-1"}}: the reply is {@code ack}. */
    record Post(
            @NotNull @Fields.RoomName String room,
            @Fields.ChatText String text,
            @NotNull @Fields.ClientId String clientId)
            implements ChatCommand {
        @Override
        public String ref() {
            return clientId;
        }
    }

    /** {@code {"type":"typing","room":"lobby","active":true}}: relayed to the room, never stored. */
    record Typing(
            @NotNull @Fields.RoomName String room, @NotNull Boolean active) implements ChatCommand {}

    /** {@code {"type":"direct","to":"bob","text":"hi","clientId":"c-2"}}: to one user only. */
    record Direct(
            @NotNull @Fields.UserName String to,
            @Fields.ChatText String text,
            @NotNull @Fields.ClientId String clientId)
            implements ChatCommand {
        @Override
        public String ref() {
            return clientId;
        }
    }

    /**
     * {@code {"type":"history","room":"lobby","before":1234,"limit":50}}: older messages of a joined room, before
     * sequence number {@code before}.
     */
    record History(
            @NotNull @Fields.RoomName String room,
            Long before,
            @Fields.PageLimit Integer limit) implements ChatCommand {}

    /**
     * {@code {"type":"members","room":"lobby","after":"bob","limit":100}}: a page of the users present in a joined
     * room, sorted, whose names sort after {@code after} (the {@code next} of the previous page; absent: from the
     * first). The reply is {@code members}.
     */
    record Members(
            @NotNull @Fields.RoomName String room,
            @Fields.UserName String after,
            @Fields.PageLimit Integer limit) implements ChatCommand {}

    /** {@code {"type":"ping"}}: an application-level ping for clients that cannot send ping frames. */
    record Ping(
            @Size(max = 64, message = "must be at most 64 characters") @PlainText(multiline = false)
            String ref) implements ChatCommand {}
}
