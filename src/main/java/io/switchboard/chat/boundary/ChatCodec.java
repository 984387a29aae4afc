package io.switchboard.chat.boundary;

import io.switchboard.websocket.TextCodec;

/** The chat protocol's JSON-B codecs: one instance each, shared by the endpoint and the service. */
public final class ChatCodec {

    public static final TextCodec<ChatCommand> COMMANDS = new TextCodec<>(ChatCommand.class);
    public static final TextCodec<ChatEvent> EVENTS = new TextCodec<>(ChatEvent.class);

    private ChatCodec() {
    }

    public static String encode(ChatEvent event) {
        return EVENTS.encode(event);
    }

    /** WebSocket decoder of {@link ChatCommand}. */
    public static class Decoder extends TextCodec.TextDecoder<ChatCommand> {
        public Decoder() {
            super(COMMANDS);
        }
    }
}
