package io.switchboard.rest;

import io.switchboard.protocol.Json;
import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives the REST runtime's JSON-B provider Switchboard's one shared {@link Jsonb}. Without it, RESTEasy (WildFly)
 * builds a new {@code Jsonb} for every response it writes, which looks its providers up with a service loader that
 * scans the deployment's jars under their locks: in a reconnect storm of 10,000 users that was a fifth of the
 * server's CPU (each connection fetches a ticket) and the most contended lock after the room's.
 */
@Provider
public class SharedJsonb implements ContextResolver<Jsonb> {

    @Override
    public Jsonb getContext(Class<?> type) {
        return Json.jsonb();
    }
}
