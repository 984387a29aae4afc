package io.switchboard.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {

    private final KeyedLocks locks = new KeyedLocks();
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void roomsThatComeAndGoLeaveNoLockBehind() {
        for (int i = 0; i < 10_000; i++) {
            String room = "room-" + i;
            assertEquals(room, locks.underLock(room, () -> room));
        }
        assertEquals(0, locks.inUse());
    }

    @Test
    void oneRoomIsChangedByOneThreadAtATimeAndOtherRoomsAreNotHeldUp() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondInside = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(
                () -> locks.underLock("lobby", () -> {
                    firstInside.countDown();
                    await(releaseFirst);
                    return null;
                }),
                threads);
        assertTrue(firstInside.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> second = CompletableFuture.runAsync(
                () -> locks.underLock("lobby", () -> {
                    secondInside.countDown();
                    return null;
                }),
                threads);
        CompletableFuture<String> otherRoom =
                CompletableFuture.supplyAsync(() -> locks.underLock("kitchen", () -> "done"), threads);

        assertEquals("done", otherRoom.get(5, TimeUnit.SECONDS));
        assertFalse(
                secondInside.await(300, TimeUnit.MILLISECONDS), "a second thread entered a room that another holds");
        assertEquals(1, locks.inUse());
        releaseFirst.countDown();
        second.get(5, TimeUnit.SECONDS);
        first.get(5, TimeUnit.SECONDS);
        assertEquals(0, locks.inUse());
    }

    @Test
    void theHolderMayTakeTheSameRoomAgain() {
        String result = locks.underLock("lobby", () -> locks.underLock("lobby", () -> "nested"));
        assertEquals("nested", result);
        assertEquals(0, locks.inUse());
    }

    @Test
    void aFailingActionReleasesItsRoom() {
        assertThrows(
                IllegalStateException.class,
                () -> locks.underLock("lobby", () -> {
                    throw new IllegalStateException("boom");
                }));
        assertEquals(0, locks.inUse());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
