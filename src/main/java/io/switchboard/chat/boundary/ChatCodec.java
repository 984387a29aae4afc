package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.TextCodec;

/** The chat protocol on the wire: the decoder of what clients send, and the encoding of what they get. */
public final class ChatCodec {

    public static final TextCodec<ChatCommand> COMMANDS = new TextCodec<>(ChatCommand.class);

    private ChatCodec() {}

    /** An event as its JSON frame, with its {@code type}. */
    public static String encode(ChatEvent event) {
        return Json.write(event);
    }

    /** WebSocket decoder of {@link ChatCommand}. */
    public static class Decoder extends TextCodec.TextDecoder<ChatCommand> {
        public Decoder() {
            super(COMMANDS, "chat");
        }
    }
}
