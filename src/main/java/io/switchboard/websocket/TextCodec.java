package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.JsonRecords;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON-B codec over a sealed interface of records whose {@link JsonbTypeInfo} names a {@code type} discriminator.
 * Decoding checks the JSON, the discriminator, the JSON type of each field and then, on the bound record, the Bean
 * Validation constraints of its components ({@link Constraints}), in that order, so a client learns exactly what was
 * wrong: a {@link DecodeException} caused by an {@link InvalidMessage} carries the error code.
 *
 * @param <T> the sealed message interface
 */
public class TextCodec<T> {

    private final Class<T> type;
    private final String discriminator;
    private final Map<String, RecordComponent[]> fieldsByAlias;
    private final List<String> aliases;
    private final Map<Class<?>, Integer> aliasIndex;

    public TextCodec(Class<T> type) {
        JsonbTypeInfo info = type.getAnnotation(JsonbTypeInfo.class);
        if (info == null) {
            throw new IllegalArgumentException(type + " has no @JsonbTypeInfo");
        }
        this.type = type;
        this.discriminator = info.key();
        this.fieldsByAlias = Arrays.stream(info.value())
                .collect(Collectors.toUnmodifiableMap(
                        JsonbSubtype::alias,
                        subtype -> subtype.type().isRecord()
                                ? subtype.type().getRecordComponents()
                                : new RecordComponent[0]));
        this.aliases = Arrays.stream(info.value()).map(JsonbSubtype::alias).toList();
        Map<Class<?>, Integer> index = new HashMap<>();
        for (JsonbSubtype subtype : info.value()) {
            index.put(subtype.type(), aliases.indexOf(subtype.alias()));
        }
        this.aliasIndex = Map.copyOf(index);
    }

    /** The message types ({@code type} values), in the order of the interface's {@link JsonbTypeInfo}. */
    public List<String> aliases() {
        return aliases;
    }

    /** The index in {@link #aliases()} of a decoded message's type; -1 for a class that is not one. */
    public int aliasIndex(Class<?> messageType) {
        Integer index = aliasIndex.get(messageType);
        return index == null ? -1 : index;
    }

    /**
     * Decodes and validates one client message, or throws {@link InvalidMessage} saying what is wrong; the error
     * carries the message's {@code clientId} (or {@code ref}) when it had one, so the client knows which was refused.
     */
    public T decode(String text) {
        JsonObject object = JsonRecords.parseObject(text);
        try {
            return decode(text, object);
        } catch (InvalidMessage e) {
            String ref = reference(object);
            throw ref == null || e.ref() != null ? e : e.withRef(ref);
        }
    }

    private T decode(String text, JsonObject object) {
        JsonValue kind = object.get(discriminator);
        if (kind == null || kind == JsonValue.NULL) {
            throw InvalidMessage.missing(discriminator);
        }
        if (!(kind instanceof JsonString name)) {
            throw InvalidMessage.invalid(discriminator, "must be a string");
        }
        RecordComponent[] fields = fieldsByAlias.get(name.getString());
        if (fields == null) {
            throw new InvalidMessage(
                    ErrorCode.UNKNOWN_TYPE,
                    "unknown type '" + name.getString() + "', expected one of "
                            + fieldsByAlias.keySet().stream().sorted().toList());
        }
        JsonRecords.checkFields(fields, object);
        T message;
        try {
            message = Json.jsonb().fromJson(text, type);
        } catch (JsonbException e) {
            throw new InvalidMessage(
                    ErrorCode.INVALID_FIELD, "a field has the wrong type: " + JsonRecords.rootMessage(e));
        }
        return Constraints.check(message);
    }

    private static String reference(JsonObject object) {
        for (String key : new String[] {"clientId", "ref"}) {
            if (object.get(key) instanceof JsonString value && value.getString().length() <= 64) {
                return value.getString();
            }
        }
        return null;
    }

    /** A text message over the configured limit: the connection is closed with 1009. */
    public static final class MessageTooBig extends RuntimeException {
        MessageTooBig(int maxBytes) {
            super("a message may have at most " + maxBytes + " bytes", null, false, false);
        }
    }

    /**
     * Base of a WebSocket {@link Decoder.Text} over a {@link TextCodec}: {@code willDecode} is cheap and accepts
     * every text, so that bad input reaches {@code decode} and gets a precise error.
     */
    public abstract static class TextDecoder<T> implements Decoder.Text<T> {
        private final TextCodec<T> codec;
        private final String endpoint;
        private int maxBytes = Integer.MAX_VALUE;
        private Meters.Inbound meters;

        /** @param endpoint the endpoint's {@code endpoint} tag in the metrics ({@link Meters#ENDPOINTS}) */
        protected TextDecoder(TextCodec<T> codec, String endpoint) {
            this.codec = codec;
            this.endpoint = endpoint;
        }

        /**
         * Not every container enforces the session's text buffer size on a single frame (Undertow does not); the
         * endpoint's inbound meters, by message type.
         */
        @Override
        public void init(EndpointConfig config) {
            CDI<Object> cdi = CDI.current(); // one look-up per session: it is slow on Payara
            maxBytes = cdi.select(SwitchboardConfig.class).get().maxTextMessageBytes();
            meters = cdi.select(Metrics.class).get().meters().inbound(endpoint, codec.aliases());
        }

        @Override
        public T decode(String text) throws DecodeException {
            Meters.Inbound counted = meters;
            if (text.length() > maxBytes / 3 && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
                if (counted != null) {
                    counted.received(counted.invalid(), OutboundFrame.utf8Length(text));
                }
                throw new DecodeException(text, "message too big", new MessageTooBig(maxBytes));
            }
            try {
                T message = codec.decode(text);
                if (counted != null) {
                    int type = codec.aliasIndex(message.getClass());
                    counted.received(type < 0 ? counted.invalid() : type, OutboundFrame.utf8Length(text));
                }
                return message;
            } catch (InvalidMessage e) {
                if (counted != null) {
                    counted.received(counted.invalid(), OutboundFrame.utf8Length(text));
                }
                throw new DecodeException(text, e.getMessage(), e);
            }
        }

        @Override
        public boolean willDecode(String text) {
            return true;
        }
    }
}
