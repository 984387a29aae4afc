package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.operations.control.Readiness;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Graceful drain of this node before a deploy or restart: from the moment it starts, the node is not ready (the
 * readiness check answers 503, so a load balancer stops sending new clients), new connections are refused with 1012,
 * and the open ones are closed with 1012 spread evenly over a window, each after the frames already queued for it
 * (pending notifications) are written. The close reason ends in {@code retry-after=N}: clients wait a random delay of
 * at most N seconds once, so a deploy does not bring every client back in the same second.
 * <p>
 * Started by an administrator ({@code POST /api/admin/drain}), or on undeploy and server shutdown with a short window
 * ({@link SwitchboardConfig#shutdownDrainWindow()}).
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());
    /** How often the due closes are made: a window is cut into steps this long. */
    static final Duration STEP = Duration.ofMillis(50);

    /** What a drain is doing: when it started, over how long, how many connections it had to close, how many are left. */
    public record Status(boolean draining, Instant startedAt, Duration window, int total, int remaining) {}

    @Inject
    Connections connections;

    @Inject
    SwitchboardConfig config;

    @Inject
    Clock clock;

    @Inject
    Readiness readiness;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private ScheduledExecutorService timer;
    private Run current;

    /** One drain: the connections open when it started, closed in order, a due share at each step. */
    private final class Run {
        final Instant startedAt = clock.instant();
        final long startNanos = System.nanoTime();
        final Duration window;
        final int total;
        final Deque<Connection> left;
        final ScheduledFuture<?> steps;
        final CountDownLatch done = new CountDownLatch(1);

        Run(Duration window) {
            this.window = window.isNegative() ? Duration.ZERO : window;
            List<Connection> open = new ArrayList<>(connections.all());
            Collections.shuffle(open); // no user or endpoint is always first
            this.total = open.size();
            this.left = new ArrayDeque<>(open);
            this.steps = timer.scheduleAtFixedRate(this::step, 0, STEP.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized void step() {
            long elapsed = System.nanoTime() - startNanos;
            long due = window.isZero() || elapsed >= window.toNanos()
                    ? total
                    : (long) Math.ceil((double) total * elapsed / window.toNanos());
            while (total - left.size() < due && !left.isEmpty()) {
                left.poll().closeWhenFlushed(reason());
            }
            if (left.isEmpty()) {
                steps.cancel(false);
                done.countDown();
            }
        }

        synchronized int remaining() {
            return left.size();
        }

        synchronized void stop() {
            steps.cancel(false);
            left.clear();
            done.countDown();
        }
    }

    @PostConstruct
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(threads);
    }

    /**
     * Starts draining over {@code window}; a drain already under way goes on as it is.
     *
     * @return the drain's status
     */
    public synchronized Status start(Duration window) {
        if (current == null) {
            readiness.drain();
            current = new Run(window);
            LOG.log(
                    Level.INFO,
                    "Draining: {0} connection(s) closed with 1012 over {1} s; new connections refused",
                    new Object[] {current.total, window.toMillis() / 1000.0});
        }
        return status();
    }

    /** Ends a drain: the node accepts connections again; those already closed stay closed, the others stay open. */
    public synchronized Status stop() {
        if (current != null) {
            current.stop();
            current = null;
            readiness.resume();
            LOG.info("Drain ended: accepting connections again");
        }
        return status();
    }

    /** Whether this node is draining: it refuses new connections and is not ready. */
    public synchronized boolean draining() {
        return current != null;
    }

    public synchronized Status status() {
        Run run = current;
        return run == null
                ? new Status(false, null, null, 0, 0)
                : new Status(true, run.startedAt, run.window, run.total, run.remaining());
    }

    /** The close every drained or refused connection gets: 1012 with the longest delay before reconnecting. */
    public CloseReason reason() {
        long seconds = Math.max(1, config.drainRetryAfter().toSeconds());
        return Close.SERVICE_RESTART.reason("server restarting, reconnect; retry-after=" + seconds);
    }

    /** On undeploy or server shutdown, when CDI tells of it (Payara: before the container closes anything). */
    void beforeShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object applicationStopping) {
        drainForShutdown();
    }

    /**
     * On undeploy or server shutdown: a short drain ({@link SwitchboardConfig#shutdownDrainWindow()}), waited for until
     * every connection has been closed, so clients get 1012 with a retry hint instead of all dropping at once. Called
     * as early as the container allows ({@link ShutdownDrainListener}, then {@link #beforeShutdown}); a second call
     * finds nothing open and returns at once.
     */
    public void drainForShutdown() {
        if (connections.all().isEmpty()) {
            return;
        }
        Duration window = config.shutdownDrainWindow();
        start(window);
        Run run;
        synchronized (this) {
            run = current;
        }
        long deadline = System.nanoTime() + window.plusMillis(500).toNanos();
        try {
            // the steps are made here too: while the application stops, the timer's thread may no longer run
            while (run != null
                    && System.nanoTime() < deadline
                    && !run.done.await(STEP.toMillis(), TimeUnit.MILLISECONDS)) {
                run.step();
            }
            // a close is made on the connection's send loop after its queued frames: wait until it was, or the
            // container's own close (1001 on WildFly) would overtake it
            while (!connections.all().isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(STEP.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!connections.all().isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "Shutdown drain: {0} connection(s) still open",
                    connections.all().size());
        }
    }

    @PreDestroy
    void shutdown() {
        timer.shutdownNow();
    }
}
