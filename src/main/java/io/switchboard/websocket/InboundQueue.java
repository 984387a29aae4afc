package io.switchboard.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The client messages of one connection waiting to be handled: one at a time, in arrival order, on the message
 * workers, at most {@value #MAX} waiting (beyond that the connection is overloaded: 1013).
 */
final class InboundQueue {

    static final int MAX = 1_024;
    private static final int BATCH = 64;
    private static final VarHandle SIZE = Reflection.varHandle(MethodHandles.lookup(), "size", int.class);
    private static final VarHandle SCHEDULED = Reflection.varHandle(MethodHandles.lookup(), "scheduled", boolean.class);

    private final Executor workers;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    /** Messages waiting; through SIZE (fields, not atomics: one object less per connection). */
    @SuppressWarnings("unused")
    private volatile int size;
    /** Whether a worker has been asked to run this queue; through SCHEDULED. */
    @SuppressWarnings("unused")
    private volatile boolean scheduled;

    InboundQueue(Executor workers) {
        this.workers = workers;
    }

    /** Queues the handling of one message after the earlier ones; false when {@value #MAX} are already waiting. */
    boolean offer(Runnable task) {
        if ((int) SIZE.getAndAdd(this, 1) + 1 > MAX) {
            SIZE.getAndAdd(this, -1);
            return false;
        }
        waiting.offer(task);
        schedule();
        return true;
    }

    private void schedule() {
        if (SCHEDULED.compareAndSet(this, false, true)) {
            try {
                workers.execute(this::run);
            } catch (RejectedExecutionException e) {
                scheduled = false; // shutting down
            }
        }
    }

    /** Runs a batch, then hands the worker back so that one busy client does not hold it. */
    private void run() {
        try {
            Runnable task;
            for (int i = 0; i < BATCH && (task = waiting.poll()) != null; i++) {
                SIZE.getAndAdd(this, -1);
                task.run();
            }
        } finally {
            scheduled = false; // whatever a task threw, the connection's later messages still run
            if (!waiting.isEmpty()) {
                schedule();
            }
        }
    }
}
