package io.switchboard.websocket;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads that write coalesced frames to sockets on containers where Switchboard batches writes itself
 * (Tyrus). Threads come from the container's managed thread factory once; tasks are then plain submissions, so a
 * write does not pay for capturing and restoring a managed context (costly on Payara).
 */
@ApplicationScoped
public class SendWorkers {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private ScheduledExecutorService executor;

    @PostConstruct
    void start() {
        executor = Executors.newScheduledThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), threads);
    }

    public ScheduledExecutorService executor() {
        return executor;
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
