package io.switchboard.protocol;

import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Map;

/**
 * The one thread-safe {@link Jsonb} every codec and resource of Switchboard shares, and one JSON-P reader factory:
 * {@code jakarta.json.Json.createReader} looks the provider up with a service loader on every call, which scans
 * the class path (milliseconds on Payara).
 */
public final class Json {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());

    private Json() {}

    public static Jsonb jsonb() {
        return JSONB;
    }

    /** A JSON-P reader of {@code text}. */
    public static JsonReader reader(String text) {
        return READERS.createReader(new StringReader(text));
    }

    public static String write(Object value) {
        return JSONB.toJson(value);
    }
}
