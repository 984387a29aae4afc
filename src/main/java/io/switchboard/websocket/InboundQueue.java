package io.switchboard.websocket;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client messages of one connection waiting to be handled: one at a time, in arrival order, on the message
 * workers, at most {@value #MAX} waiting (beyond that the connection is overloaded: 1013).
 */
final class InboundQueue {

    static final int MAX = 1_024;
    private static final int BATCH = 64;

    private final Executor workers;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    InboundQueue(Executor workers) {
        this.workers = workers;
    }

    /** Queues the handling of one message after the earlier ones; false when {@value #MAX} are already waiting. */
    boolean offer(Runnable task) {
        if (size.incrementAndGet() > MAX) {
            size.decrementAndGet();
            return false;
        }
        waiting.offer(task);
        schedule();
        return true;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                workers.execute(this::run);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // shutting down
            }
        }
    }

    /** Runs a batch, then hands the worker back so that one busy client does not hold it. */
    private void run() {
        try {
            Runnable task;
            for (int i = 0; i < BATCH && (task = waiting.poll()) != null; i++) {
                size.decrementAndGet();
                task.run();
            }
        } finally {
            scheduled.set(false); // whatever a task threw, the connection's later messages still run
            if (!waiting.isEmpty()) {
                schedule();
            }
        }
    }
}
