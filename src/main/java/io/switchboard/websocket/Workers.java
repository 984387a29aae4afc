package io.switchboard.websocket;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Switchboard's own threads: send workers that write connections' queued frames to sockets, and message workers
 * that handle what clients send (which may mean a database transaction) off the container's I/O threads, so that
 * one client's work never holds up the sockets an I/O thread serves. Threads come from the container's managed
 * thread factory once; tasks are then plain submissions, so a task does not pay for capturing and restoring a
 * managed context (costly on Payara).
 */
@ApplicationScoped
public class Workers {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private ScheduledExecutorService senders;
    private ExecutorService handlers;

    @PostConstruct
    void start() {
        int cores = Runtime.getRuntime().availableProcessors();
        senders = Executors.newScheduledThreadPool(Math.max(2, cores), threads);
        handlers = Executors.newFixedThreadPool(Math.max(4, 4 * cores), threads);
    }

    /** Writes frames to sockets. */
    public ScheduledExecutorService senders() {
        return senders;
    }

    /** Handles client messages, each connection's in order. */
    public ExecutorService handlers() {
        return handlers;
    }

    @PreDestroy
    void stop() {
        senders.shutdownNow();
        handlers.shutdownNow();
    }
}
