package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.chat.boundary.ChatCodec;
import io.switchboard.chat.boundary.ChatCommand;
import io.switchboard.operations.control.Meters;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's text frames are decoded by one shared {@link TextInbound}: what the client got wrong reaches
 * {@link Connections#error} as the DecodeException a container's decoder would raise, and every frame is counted.
 */
class TextInboundTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Object> handled = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    /** Connections that run the handling of a message at once, for a connection the test does not need. */
    private final Connections connections = new Connections() {
        @Override
        public void onMessage(Session session, ClientMessage message, Consumer<Connection> handler) {
            handled.add(message);
        }

        @Override
        public void error(Session session, Throwable error) {
            errors.add(error);
        }
    };

    private final TextInbound<ChatCommand> inbound = new TextInbound<>(
            ChatCodec.COMMANDS,
            100,
            new Meters(registry).inbound("chat", ChatCodec.COMMANDS.aliases()),
            connections,
            (connection, command) -> {});

    @Test
    void aValidFrameIsHandledAndCountedUnderItsType() {
        inbound.accept(null, "{\"type\":\"join\",\"room\":\"lobby\"}");

        assertEquals(List.of(new ChatCommand.Join("lobby", null)), handled);
        assertEquals(List.of(), errors);
        assertEquals(1, count("join"));
    }

    @Test
    void aFrameTheClientGotWrongGoesToTheErrorHandlingWithItsReason() {
        inbound.accept(null, "{\"type\":\"nope\"}");

        assertEquals(List.of(), handled);
        DecodeException e = assertInstanceOf(DecodeException.class, errors.get(0));
        assertEquals(
                ErrorCode.UNKNOWN_TYPE,
                assertInstanceOf(InvalidMessage.class, e.getCause()).code());
        assertEquals(1, count("invalid"));
    }

    @Test
    void malformedJsonIsAnErrorToo() {
        DecodeException e = assertThrows(DecodeException.class, () -> inbound.decode("{\"type\":"));
        assertEquals(
                ErrorCode.MALFORMED_JSON,
                assertInstanceOf(InvalidMessage.class, e.getCause()).code());
    }

    @Test
    void aFrameOverTheLimitInUtf8BytesIsTooBig() throws DecodeException {
        String post = "{\"type\":\"post\",\"room\":\"r\",\"clientId\":\"c\",\"text\":\"%s\"}";
        String fits = post.formatted("é".repeat(20)); // 90 bytes
        assertInstanceOf(ChatCommand.Post.class, inbound.decode(fits));

        DecodeException e = assertThrows(DecodeException.class, () -> inbound.decode(post.formatted("é".repeat(26))));
        assertInstanceOf(TextCodec.MessageTooBig.class, e.getCause());
        assertNull(cause(e, InvalidMessage.class), "no error frame: the connection is closed with 1009");
        assertEquals(1, count("invalid"));
    }

    private double count(String type) {
        return registry.get("switchboard.messages.in")
                .tag("endpoint", "chat")
                .tag("type", type)
                .counter()
                .count();
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
