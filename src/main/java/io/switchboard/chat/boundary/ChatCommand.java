package io.switchboard.chat.boundary;

import io.switchboard.websocket.TextCodec;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What a client sends on {@code /ws/chat}; the {@code type} field says which. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "join", type = ChatCommand.Join.class),
        @JsonbSubtype(alias = "leave", type = ChatCommand.Leave.class),
        @JsonbSubtype(alias = "post", type = ChatCommand.Post.class),
        @JsonbSubtype(alias = "typing", type = ChatCommand.Typing.class),
        @JsonbSubtype(alias = "direct", type = ChatCommand.Direct.class),
        @JsonbSubtype(alias = "history", type = ChatCommand.History.class),
        @JsonbSubtype(alias = "ping", type = ChatCommand.Ping.class)
})
public sealed interface ChatCommand extends TextCodec.Validated {

    /** {@code {"type":"join","room":"lobby"}}: enter a room; the reply is {@code joined}. */
    record Join(String room) implements ChatCommand {
        @Override
        public void validate() {
            Fields.room("room", room);
        }
    }

    /** {@code {"type":"leave","room":"lobby"}}. */
    record Leave(String room) implements ChatCommand {
        @Override
        public void validate() {
            Fields.room("room", room);
        }
    }

    /** {@code {"type":"post","room":"lobby","text":"hi","clientId":"c-1"}}: the reply is {@code ack}. */
    record Post(String room, String text, String clientId) implements ChatCommand {
        @Override
        public void validate() {
            Fields.room("room", room);
            Fields.clientId("clientId", clientId);
            Fields.text("text", text);
        }
    }

    /** {@code {"type":"typing","room":"lobby","active":true}}: relayed to the room, never stored. */
    record Typing(String room, Boolean active) implements ChatCommand {
        @Override
        public void validate() {
            Fields.room("room", room);
            Fields.required("active", active);
        }
    }

    /** {@code {"type":"direct","to":"bob","text":"hi","clientId":"c-2"}}: to one user only. */
    record Direct(String to, String text, String clientId) implements ChatCommand {
        @Override
        public void validate() {
            Fields.user("to", to);
            Fields.clientId("clientId", clientId);
            Fields.text("text", text);
        }
    }

    /** {@code {"type":"history","room":"lobby","before":1234,"limit":50}}: older messages of a joined room. */
    record History(String room, Long before, Integer limit) implements ChatCommand {
        @Override
        public void validate() {
            Fields.room("room", room);
            if (limit != null && (limit < 1 || limit > 200)) {
                throw io.switchboard.websocket.InvalidMessage.invalid("limit", "must be between 1 and 200");
            }
        }
    }

    /** {@code {"type":"ping"}}: an application-level ping for clients that cannot send ping frames. */
    record Ping(String ref) implements ChatCommand {
        @Override
        public void validate() {
            // nothing to check
        }
    }
}
