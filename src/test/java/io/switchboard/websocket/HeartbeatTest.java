package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.MovableClock;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.identity.Identity;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import jakarta.enterprise.event.Event;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One heartbeat round on a clock the test moves (the default settings: ping after 25 s of silence, close after 60 s):
 * who is pinged, who is closed and why, who counts as alive. Nothing waits for the wall clock.
 */
class HeartbeatTest {

    private final MovableClock clock = new MovableClock();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private final Map<Connection, Close> forgotten = new ConcurrentHashMap<>();
    private final List<HeartbeatTicked> ticks = new CopyOnWriteArrayList<>();
    private final Heartbeat heartbeat = new Heartbeat();

    @SuppressWarnings("unchecked")
    HeartbeatTest() {
        heartbeat.clock = clock;
        heartbeat.ticker = clock;
        heartbeat.config = new SwitchboardConfig();
        Meters meters = Meters.none();
        heartbeat.metrics = new Metrics() {
            @Override
            public Meters meters() {
                return meters;
            }
        };
        heartbeat.connections = new Connections() {
            @Override
            public Collection<Connection> all() {
                return List.copyOf(open);
            }

            @Override
            void forget(Connection connection, Close why) {
                forgotten.put(connection, why);
                open.remove(connection);
            }
        };
        heartbeat.ticked = (Event<HeartbeatTicked>) Proxy.newProxyInstance(
                Event.class.getClassLoader(), new Class<?>[] {Event.class}, (proxy, method, args) -> {
                    if (method.getName().equals("fire")) {
                        ticks.add((HeartbeatTicked) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    private Connection connect(String user, Identity identity) {
        Connection connection = TestConnections.of(identity, user, new CopyOnWriteArrayList<>(), loop, clock);
        open.add(connection);
        return connection;
    }

    private Connection connect(String user) {
        return connect(user, new Identity(user, user));
    }

    @Test
    void aClientSilentForTheIntervalIsPingedOnceAndStaysOpen() {
        Connection quiet = connect("quiet");
        clock.advance(Duration.ofSeconds(25));
        heartbeat.tick();
        assertEquals(Duration.ZERO, quiet.sinceHeardOrPinged(), "pinged now");
        assertEquals(Duration.ofSeconds(25), quiet.silence(), "a ping is not an answer");
        assertTrue(forgotten.isEmpty());
        assertEquals(List.of(quiet), List.copyOf(ticks.get(0).alive()));
    }

    @Test
    void aClientSilentForTheTimeoutIsClosedWith4000AndOneHeardFromStays() {
        Connection silent = connect("silent");
        Connection talking = connect("talking");
        clock.advance(Duration.ofSeconds(59));
        talking.touch();
        heartbeat.tick();
        assertTrue(forgotten.isEmpty(), "59 s of silence is not yet the timeout");
        clock.advance(Duration.ofSeconds(1));
        heartbeat.tick();
        assertEquals(Map.of(silent, Close.HEARTBEAT_TIMEOUT), forgotten);
        assertEquals(4000, Close.HEARTBEAT_TIMEOUT.reason().getCloseCode().getCode());
    }

    @Test
    void aConnectionWhoseCredentialExpiredIsClosedWith4002() {
        Connection expiring = connect(
                "exp", new Identity("exp", "exp", Set.of(), clock.instant().plusSeconds(10)));
        Connection lasting = connect("last");
        clock.advance(Duration.ofSeconds(9));
        expiring.touch();
        lasting.touch();
        heartbeat.tick();
        assertTrue(forgotten.isEmpty(), "the credential is still valid");
        clock.advance(Duration.ofSeconds(1));
        heartbeat.tick();
        assertEquals(Map.of(expiring, Close.CREDENTIAL_EXPIRED), forgotten);
        assertEquals(4002, Close.CREDENTIAL_EXPIRED.reason().getCloseCode().getCode());
    }
}
