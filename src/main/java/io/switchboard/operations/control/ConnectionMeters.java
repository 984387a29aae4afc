package io.switchboard.operations.control;

import static io.switchboard.operations.control.Meters.CLOSE_CODES;
import static io.switchboard.operations.control.Meters.ENDPOINTS;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.operations.control.Meters.Initiator;
import io.switchboard.operations.control.Meters.Refusal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The meters of connections (not of what they carry): open connections and users online, refused handshakes, closes
 * by code and initiator, heartbeat round trips and the send queues' depth. Recorded through {@link Meters}.
 */
final class ConnectionMeters {

    private final MeterRegistry registry;
    private final AtomicInteger[] open = new AtomicInteger[ENDPOINTS.size()];
    private final Counter[] refused = new Counter[Refusal.values().length];
    private final Counter[][] closes = new Counter[CLOSE_CODES.size() + 1][Initiator.values().length];
    private final Timer heartbeatRtt;
    private final AtomicInteger sendQueueMax = new AtomicInteger();
    private final AtomicLong sendQueueFrames = new AtomicLong();

    ConnectionMeters(MeterRegistry registry) {
        this.registry = registry;
        for (int e = 0; e < ENDPOINTS.size(); e++) {
            open[e] = new AtomicInteger();
            Gauge.builder("switchboard.connections", open[e], AtomicInteger::get)
                    .description("Open WebSocket connections")
                    .tag("endpoint", ENDPOINTS.get(e))
                    .register(registry);
        }
        for (Refusal reason : Refusal.values()) {
            refused[reason.ordinal()] = Counter.builder("switchboard.handshakes.refused")
                    .description("WebSocket handshakes refused, by reason")
                    .tag("reason", reason.tag())
                    .register(registry);
        }
        heartbeatRtt = Timer.builder("switchboard.heartbeat.rtt")
                .description("From a heartbeat ping to the client's pong")
                .serviceLevelObjectives(Meters.durations(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000))
                .register(registry);
        Gauge.builder("switchboard.send.queue.depth.max", sendQueueMax, AtomicInteger::get)
                .description("The longest send queue (frames waiting for one client) at the last heartbeat sweep")
                .register(registry);
        Gauge.builder("switchboard.send.queue.frames", sendQueueFrames, AtomicLong::get)
                .description("Frames waiting in all send queues at the last heartbeat sweep")
                .register(registry);
    }

    void usersOnline(IntSupplier users) {
        Gauge.builder("switchboard.users.online", users, IntSupplier::getAsInt)
                .description("Users with at least one open connection on this node")
                .strongReference(true) // a gauge holds its object weakly: nothing else holds this lambda
                .register(registry);
    }

    void opened(int endpoint) {
        open[endpoint].incrementAndGet();
    }

    void closed(int endpoint, int code, Initiator initiator) {
        open[endpoint].decrementAndGet();
        int codeIndex = CLOSE_CODES.indexOf(code);
        int row = codeIndex < 0 ? CLOSE_CODES.size() : codeIndex;
        Counter counter = closes[row][initiator.ordinal()];
        if (counter == null) {
            counter = Counter.builder("switchboard.closes")
                    .description("Connections closed, by close code and by who closed them")
                    .tag("code", codeIndex < 0 ? "other" : Integer.toString(code))
                    .tag("initiator", initiator.tag())
                    .register(registry);
            closes[row][initiator.ordinal()] = counter;
        }
        counter.increment();
    }

    void refused(Refusal reason) {
        refused[reason.ordinal()].increment();
    }

    void heartbeatRoundTrip(long nanos) {
        heartbeatRtt.record(nanos, TimeUnit.NANOSECONDS);
    }

    void sendQueues(int longest, long frames) {
        sendQueueMax.set(longest);
        sendQueueFrames.set(frames);
    }
}
