package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TyrusIdleTimeoutTest {

    /** Named like Tyrus' task: {@code TyrusSession$IdleTimeoutCommand}. */
    static final class $IdleTimeoutCommand implements Runnable {
        @Override
        public void run() {}
    }

    private static final Method SCHEDULE;

    static {
        try {
            SCHEDULE = ScheduledExecutorService.class.getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void onlyTheIdleTaskOfASessionWithoutTimeoutIsSkipped() {
        Runnable idle = new $IdleTimeoutCommand();
        assertTrue(TyrusIdleTimeout.noOpIdleTask(SCHEDULE, new Object[] {idle, 0L, TimeUnit.MILLISECONDS}));
        // a session with an idle timeout: its task must run when the timeout has passed
        assertFalse(TyrusIdleTimeout.noOpIdleTask(SCHEDULE, new Object[] {idle, 30_000L, TimeUnit.MILLISECONDS}));
        // any other task (Tyrus' own heartbeat, say) goes to the container's executor
        assertFalse(TyrusIdleTimeout.noOpIdleTask(SCHEDULE, new Object[] {(Runnable) () -> {}, 0L, TimeUnit.SECONDS}));
    }

    @Test
    void theSkippedTaskLooksFinished() {
        TyrusIdleTimeout.Done done = TyrusIdleTimeout.Done.INSTANCE;
        assertTrue(done.isDone());
        assertFalse(done.cancel(false));
        assertFalse(done.isCancelled());
        assertEquals(0, done.getDelay(TimeUnit.MILLISECONDS));
    }
}
