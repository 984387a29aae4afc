package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/** Connections for tests of other packages: every frame sent is added to a list at once. */
public final class TestConnections {

    private TestConnections() {}

    /** A connection of {@code user} whose frames (sent on {@code loop}) end up in {@code sent}. */
    public static Connection of(String user, String id, List<String> sent, ScheduledExecutorService loop) {
        return of(new Identity(user, user), id, sent, loop, Ticker.SYSTEM);
    }

    /** As {@link #of(String, String, List, ScheduledExecutorService)}, for {@code identity}, timed by {@code ticker}. */
    static Connection of(
            Identity identity, String id, List<String> sent, ScheduledExecutorService loop, Ticker ticker) {
        Map<String, Object> properties = new HashMap<>();
        Session session = (Session) Proxy.newProxyInstance(
                Session.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserProperties" -> properties;
                    case "isOpen" -> true;
                    case "getId" -> id;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session " + id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        FrameSender sender = new FrameSender() {
            @Override
            public void send(String text, SendHandler done) {
                sent.add(text);
                done.onResult(new SendResult());
            }

            @Override
            public boolean pipelined() {
                return false;
            }
        };
        return new Connection(
                session,
                identity,
                sender,
                loop,
                Runnable::run,
                new Connection.Limits(1_000, 3, 3, Duration.ofMinutes(1), 1_000, ticker));
    }
}
