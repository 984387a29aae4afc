package io.switchboard.websocket;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The handlers of an endpoint's sealed command interface {@code C}, one per command type, carried out with a service
 * {@code S}. {@link #types()} lets a unit test check that every permitted type has one, so that a new command cannot
 * be decoded and then silently ignored.
 */
public final class CommandHandlers<S, C> {

    /** How one command type is carried out. */
    @FunctionalInterface
    public interface Handler<S, T> {
        void handle(S service, Connection connection, T command);
    }

    private final Map<Class<?>, Handler<S, ?>> handlers = new HashMap<>();

    public <T extends C> CommandHandlers<S, C> on(Class<T> type, Handler<S, T> handler) {
        handlers.put(type, handler);
        return this;
    }

    @SuppressWarnings("unchecked")
    public void dispatch(S service, Connection connection, C command) {
        Handler<S, C> handler = (Handler<S, C>) handlers.get(command.getClass());
        if (handler == null) {
            throw new IllegalStateException(
                    "no handler for " + command.getClass().getName());
        }
        handler.handle(service, connection, command);
    }

    /** The command types that have a handler. */
    public Set<Class<?>> types() {
        return Set.copyOf(handlers.keySet());
    }
}
