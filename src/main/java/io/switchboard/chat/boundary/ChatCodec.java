package io.switchboard.chat.boundary;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.TextCodec;

/** The chat protocol on the wire: the decoding of what clients send, and the encoding of what they get. */
public final class ChatCodec {

    public static final TextCodec<ChatCommand> COMMANDS = new TextCodec<>(ChatCommand.class);

    private ChatCodec() {}

    /** An event as its JSON frame, with its {@code type}. */
    public static String encode(ChatEvent event) {
        return Json.write(event);
    }
}
