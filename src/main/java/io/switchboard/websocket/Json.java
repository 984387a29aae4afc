package io.switchboard.websocket;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/** The one thread-safe {@link Jsonb} every codec and resource of Switchboard shares. */
public final class Json {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withNullValues(false));

    private Json() {
    }

    public static Jsonb jsonb() {
        return JSONB;
    }

    public static String write(Object value) {
        return JSONB.toJson(value);
    }
}
