package io.switchboard.websocket;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Switchboard's own threads: send loops that write connections' queued frames to sockets, and message workers
 * that handle what clients send (which may mean a database transaction) off the container's I/O threads, so that
 * one client's work never holds up the sockets an I/O thread serves. Threads come from the container's managed
 * thread factory once; tasks are then plain submissions, so a task does not pay for capturing and restoring a
 * managed context (costly on Payara).
 * <p>
 * A send loop is one thread; each connection belongs to one loop for its life (round robin), which queues and
 * writes all its frames in the order they were handed over, and a broadcast is one task per loop, not one per
 * receiver.
 */
@ApplicationScoped
public class Workers {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Inject
    SwitchboardConfig config;

    private ScheduledExecutorService[] sendLoops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** The send loops on the server's I/O threads (WildFly), one per thread. */
    private final Map<Executor, IoThreadLoop> ioLoops = new ConcurrentHashMap<>();

    private ExecutorService handlers;

    @PostConstruct
    void start() {
        int cores = Runtime.getRuntime().availableProcessors();
        sendLoops = new ScheduledExecutorService[Math.max(2, cores)];
        for (int i = 0; i < sendLoops.length; i++) {
            sendLoops[i] = Executors.newSingleThreadScheduledExecutor(threads);
        }
        handlers = Executors.newFixedThreadPool(Math.max(4, 4 * cores), threads);
    }

    /**
     * Creates the bean (and its loops) at deployment: created on first use, a burst of first connections queued
     * behind its creation (a thread dump of a 5 s stall: 94 of 200 http threads waiting in Weld for this bean).
     */
    void startEarly(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        // delivering the event is what creates the bean
    }

    /**
     * The send loop for a new connection on {@code session}: on WildFly the I/O thread that owns its socket (no
     * hand-over per frame, {@link IoThreadLoop}), else the next of Switchboard's own send loops.
     */
    public ScheduledExecutorService sendLoopFor(Session session) {
        Executor ioThread = config.sendOnIoThreads() ? IoThreadLoop.ioThreadOf(session) : null;
        if (ioThread == null) {
            return nextSendLoop();
        }
        return ioLoops.computeIfAbsent(ioThread, thread -> IoThreadLoop.on(thread, nextSendLoop()));
    }

    /** The next of Switchboard's own send loops, round robin. */
    public ScheduledExecutorService nextSendLoop() {
        return sendLoops[Math.floorMod(nextLoop.getAndIncrement(), sendLoops.length)];
    }

    /** Handles client messages, each connection's in order. */
    public ExecutorService handlers() {
        return handlers;
    }

    @PreDestroy
    void stop() {
        ioLoops.values().forEach(IoThreadLoop::stop);
        for (ScheduledExecutorService loop : sendLoops) {
            loop.shutdownNow();
        }
        handlers.shutdownNow();
    }
}
