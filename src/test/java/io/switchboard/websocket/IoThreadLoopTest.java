package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The send loop on WildFly's socket threads, against a stand-in for the I/O thread. */
class IoThreadLoopTest {

    private static final String IO_THREAD = "io-thread";

    /** Stands in for XNIO's I/O thread, an executor of tasks one at a time on its thread. */
    private final ExecutorService ioThread = Executors.newSingleThreadExecutor(task -> new Thread(task, IO_THREAD));

    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
    private final IoThreadLoop loop = IoThreadLoop.on(ioThread, closer);

    @AfterEach
    void stop() {
        ioThread.shutdownNow();
        closer.shutdownNow();
    }

    @Test
    void tasksRunInOrderOnTheIoThread() throws InterruptedException {
        BlockingQueue<String> ran = new LinkedBlockingQueue<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.execute(() -> ran.add(n + "@" + Thread.currentThread().getName()));
        }
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i + "@" + IO_THREAD);
            actual.add(ran.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(expected, actual);
    }

    @Test
    void aDelayedTaskRunsOnTheIoThreadAfterItsDelay() throws Exception {
        BlockingQueue<String> ran = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        ScheduledFuture<?> later =
                loop.schedule(() -> record(ran, Thread.currentThread().getName()), 50, TimeUnit.MILLISECONDS);
        assertEquals(IO_THREAD, ran.poll(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "ran before its delay");
        later.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aDelayedTaskCancelledInTimeNeverRuns() throws InterruptedException {
        BlockingQueue<String> ran = new LinkedBlockingQueue<>();
        ScheduledFuture<?> cancelled = loop.schedule(() -> record(ran, "cancelled"), 200, TimeUnit.MILLISECONDS);
        loop.schedule(() -> record(ran, "kept"), 400, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel(false));
        assertEquals("kept", ran.poll(5, TimeUnit.SECONDS));
        assertNull(ran.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void aStoppedLoopRefusesWorkAndDropsWhatWasWaiting() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        loop.schedule(ran::countDown, 100, TimeUnit.MILLISECONDS);
        loop.stop();
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(() -> {}, 1, TimeUnit.MILLISECONDS));
        assertTrue(loop.isShutdown());
        assertTrue(!ran.await(300, TimeUnit.MILLISECONDS), "a task waiting when the loop stopped still ran");
    }

    private static void record(BlockingQueue<String> ran, String what) {
        ran.add(what);
    }
}
