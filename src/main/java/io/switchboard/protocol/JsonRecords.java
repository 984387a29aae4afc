package io.switchboard.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The strict reading of a client's JSON, shared by the WebSocket codecs and the REST bodies: a message is one JSON
 * object, nested at most {@value #MAX_DEPTH} levels, with nothing but white space after it; each field has the JSON
 * type its record component declares (JSON-B alone would turn {@code "maybe"} into {@code false} and {@code 5} into
 * {@code "5"}); a whole-number field holds a whole number in range; an instant is an ISO-8601 string. Every refusal
 * is an {@link InvalidMessage} that names the field and its rule.
 */
public final class JsonRecords {

    /** The deepest nesting of arrays and objects a message may have; the protocol itself needs 3. */
    public static final int MAX_DEPTH = 32;

    private JsonRecords() {}

    /** Parses {@code text} as one JSON object, or throws {@code malformed_json} saying what is wrong. */
    public static JsonObject parseObject(String text) {
        checkShape(text);
        try (JsonReader reader = Json.reader(text)) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw malformed("a message must be a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException | IllegalStateException | NumberFormatException e) {
            throw malformed("not valid JSON: " + rootMessage(e));
        }
    }

    /**
     * Refuses nesting deeper than {@link #MAX_DEPTH} and text after the top-level value before a parser sees them:
     * JSON-P parsers recurse per level (deep input fails with a stack-deep exception) and read one value, ignoring
     * what follows.
     */
    private static void checkShape(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw malformed("nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    checkNothingAfter(text, i + 1);
                    return;
                }
                if (depth < 0) {
                    return; // unbalanced: the parser says where
                }
            }
        }
    }

    private static void checkNothingAfter(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                throw malformed("unexpected text after the JSON object at character " + (i + 1));
            }
        }
    }

    /** Checks that each field present in {@code object} has the JSON type of its record component. */
    public static void checkFields(RecordComponent[] fields, JsonObject object) {
        for (RecordComponent field : fields) {
            JsonValue value = object.get(field.getName());
            if (value != null && value != JsonValue.NULL) {
                checkValue(field, field.getGenericType(), value);
            }
        }
    }

    private static void checkValue(RecordComponent field, Type declared, JsonValue value) {
        Class<?> type =
                declared instanceof ParameterizedType generic ? (Class<?>) generic.getRawType() : (Class<?>) declared;
        JsonValue.ValueType actual = value.getValueType();
        if (type == String.class) {
            require(field, actual == JsonValue.ValueType.STRING, "a string");
        } else if (type == Boolean.class || type == boolean.class) {
            require(field, actual == JsonValue.ValueType.TRUE || actual == JsonValue.ValueType.FALSE, "true or false");
        } else if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            require(field, actual == JsonValue.ValueType.NUMBER, "a number");
            checkWholeNumber(field, type == Integer.class || type == int.class, ((JsonNumber) value).bigDecimalValue());
        } else if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            require(field, actual == JsonValue.ValueType.NUMBER, "a number");
        } else if (type == Instant.class) {
            require(
                    field,
                    actual == JsonValue.ValueType.STRING && isInstant(((JsonString) value).getString()),
                    "an ISO-8601 instant such as \"2030-01-31T12:00:00Z\"");
        } else if (List.class.isAssignableFrom(type)) {
            require(field, actual == JsonValue.ValueType.ARRAY, "an array");
            if (declared instanceof ParameterizedType generic) {
                for (JsonValue element : value.asJsonArray()) {
                    if (element != JsonValue.NULL) {
                        checkValue(field, generic.getActualTypeArguments()[0], element);
                    }
                }
            }
        }
    }

    /** 1.5 or 1e400 in a whole-number field: the error names the rule the field has, not JSON-B's arithmetic. */
    private static void checkWholeNumber(RecordComponent field, boolean isInt, BigDecimal number) {
        long min = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
        boolean whole = number.signum() == 0 || number.stripTrailingZeros().scale() <= 0;
        if (whole && number.compareTo(BigDecimal.valueOf(min)) >= 0 && number.compareTo(BigDecimal.valueOf(max)) <= 0) {
            return;
        }
        Object low = isInt ? (Object) Integer.MIN_VALUE : (Object) Long.MIN_VALUE;
        Object high = isInt ? (Object) Integer.MAX_VALUE : (Object) Long.MAX_VALUE;
        Object beyond = number.signum() < 0 ? low : high;
        Object otherSide = number.signum() < 0 ? high : low;
        // A field with only a lower bound (since >= 0) has no rule beyond the top: name the rule of the other side.
        Class<?> record = field.getDeclaringRecord();
        String rule = Constraints.rule(record, field.getName(), beyond)
                .or(() -> Constraints.rule(record, field.getName(), otherSide))
                .orElse("must be from " + min + " to " + max);
        throw InvalidMessage.invalid(field.getName(), "must be a whole number and " + rule);
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static void require(RecordComponent field, boolean ok, String expected) {
        if (!ok) {
            throw InvalidMessage.invalid(field.getName(), "must be " + expected);
        }
    }

    private static InvalidMessage malformed(String message) {
        return new InvalidMessage(ErrorCode.MALFORMED_JSON, message);
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
