package io.switchboard.websocket;

import io.switchboard.protocol.Constraints;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.JsonRecords;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * JSON-B codec over a sealed interface of records whose {@link JsonbTypeInfo} names a {@code type} discriminator.
 * Decoding checks the JSON, the discriminator, the JSON type of each field and then, on the bound record, the Bean
 * Validation constraints of its components ({@link Constraints}), in that order, so a client learns exactly what was
 * wrong: the {@link InvalidMessage} carries the error code. {@link TextInbound} decodes an endpoint's frames with it.
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
}
