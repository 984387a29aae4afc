package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** A connection's inbound messages: arrival order, one at a time, a bounded backlog. */
class InboundQueueTest {

    /** Workers that run only when the test says so, like a busy pool. */
    private static final class HeldWorkers implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    @Test
    void messagesAreHandledInArrivalOrderOneRunAtATime() {
        HeldWorkers workers = new HeldWorkers();
        InboundQueue queue = new InboundQueue(workers);
        List<Integer> handled = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            assertTrue(queue.offer(() -> handled.add(n)));
        }
        assertEquals(1, workers.tasks.size(), "one worker task per connection at a time");
        workers.runAll();
        assertEquals(200, handled.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(i, handled.get(i));
        }
    }

    @Test
    void aFullBacklogRefusesTheNextMessage() {
        HeldWorkers workers = new HeldWorkers();
        InboundQueue queue = new InboundQueue(workers);
        for (int i = 0; i < InboundQueue.MAX; i++) {
            assertTrue(queue.offer(() -> {}));
        }
        assertFalse(queue.offer(() -> {}), "the connection is overloaded (the caller closes it with 1013)");
        workers.runAll();
        assertTrue(queue.offer(() -> {}), "room again once handled");
    }

    @Test
    void aFailingMessageDoesNotStopTheOnesAfterIt() {
        HeldWorkers workers = new HeldWorkers();
        InboundQueue queue = new InboundQueue(workers);
        List<String> handled = new ArrayList<>();
        queue.offer(() -> {
            throw new IllegalStateException("boom");
        });
        queue.offer(() -> handled.add("next"));
        try {
            workers.runAll();
        } catch (IllegalStateException expected) {
            workers.runAll();
        }
        assertEquals(List.of("next"), handled);
    }
}
