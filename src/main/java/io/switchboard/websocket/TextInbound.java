package io.switchboard.websocket;

import io.switchboard.operations.control.Meters;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.InvalidMessage;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * What an endpoint does with a client's text frame, one instance for all its connections, WebSocket and event stream
 * alike: check the size limit (not every container enforces the session's text buffer size on a single frame; Undertow
 * does not), decode and validate with the endpoint's {@link TextCodec}, count it in the endpoint's inbound meters by
 * type, and hand it to {@link Connections#onMessage}. A frame that cannot be decoded goes to {@link Connections#error}
 * as the {@link DecodeException} a container's decoder would have raised: an error frame saying what was wrong (and a
 * strike), or 1009 when it is too big. Endpoints decode with it in {@code @OnMessage} instead of registering a
 * {@code Decoder}, of which containers make one per session. Immutable, so thread-safe.
 *
 * @param <T> the endpoint's sealed message interface
 */
public final class TextInbound<T extends ClientMessage> {

    private final TextCodec<T> codec;
    private final int maxBytes;
    private final Meters.Inbound meters;
    private final Connections connections;
    private final BiConsumer<Connection, T> handler;

    TextInbound(
            TextCodec<T> codec,
            int maxBytes,
            Meters.Inbound meters,
            Connections connections,
            BiConsumer<Connection, T> handler) {
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.meters = meters;
        this.connections = connections;
        this.handler = handler;
    }

    /** Decodes one text frame of {@code session} and has it handled, in order with the connection's others. */
    public void accept(Session session, String text) {
        T message;
        try {
            message = decode(text);
        } catch (DecodeException e) {
            connections.error(session, e);
            return;
        }
        connections.onMessage(session, message, connection -> handler.accept(connection, message));
    }

    /**
     * The message of a text frame, counted; a {@link DecodeException} caused by an {@link InvalidMessage} (what was
     * wrong) or by {@link TextCodec.MessageTooBig}.
     */
    T decode(String text) throws DecodeException {
        if (text.length() > maxBytes / 3 && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            meters.received(meters.invalid(), OutboundFrame.utf8Length(text));
            throw new DecodeException(text, "message too big", new TextCodec.MessageTooBig(maxBytes));
        }
        try {
            T message = codec.decode(text);
            int type = codec.aliasIndex(message.getClass());
            meters.received(type < 0 ? meters.invalid() : type, OutboundFrame.utf8Length(text));
            return message;
        } catch (InvalidMessage e) {
            meters.received(meters.invalid(), OutboundFrame.utf8Length(text));
            throw new DecodeException(text, e.getMessage(), e);
        }
    }
}
