package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A send loop that is the XNIO I/O thread owning a connection's socket (WildFly). Undertow writes a frame handed to
 * its WebSocket channel at once when that happens on the channel's I/O thread, and otherwise queues a task for that
 * thread and wakes its selector, once per frame; on this loop a connection's frames go to the socket with no
 * hand-over. The I/O thread runs tasks one at a time in order, as a send loop must; nothing queued here blocks.
 * <p>
 * Once {@link #stop stopped} (undeploy), the loop refuses tasks, as a shut-down executor does; the thread itself
 * belongs to the server.
 */
final class IoThreadLoop extends AbstractExecutorService implements ScheduledExecutorService {

    private final Executor thread;
    private final ScheduledExecutorService closer;
    private volatile boolean stopped;

    private IoThreadLoop(Executor thread, ScheduledExecutorService closer) {
        this.thread = thread;
        this.closer = closer;
    }

    /**
     * The I/O thread of the Undertow channel under {@code session} (an {@code org.xnio.XnioIoThread}, which is an
     * {@link Executor} of tasks on that thread); null when there is none to reach.
     */
    static Executor ioThreadOf(Session session) {
        if (!session.getClass().getName().startsWith("io.undertow.")) {
            return null;
        }
        try {
            Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
            return channel.getClass().getMethod("getIoThread").invoke(channel) instanceof Executor thread
                    ? thread
                    : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A loop on {@code thread}, an I/O thread found by {@link #ioThreadOf}; its connections' sessions are closed on
     * {@code closer}, one of Switchboard's own threads ({@link #closer()}).
     */
    static IoThreadLoop on(Executor thread, ScheduledExecutorService closer) {
        return new IoThreadLoop(thread, closer);
    }

    /**
     * Where a session of this loop is closed: closing runs the endpoint's {@code @OnClose} and the observers of the
     * close (presence, leases, the database), which need the application's context, not the server's I/O thread.
     */
    ScheduledExecutorService closer() {
        return closer;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void execute(Runnable task) {
        if (stopped) {
            throw new RejectedExecutionException("send loop stopped");
        }
        thread.execute(task);
    }

    /**
     * Runs {@code command} on this loop after {@code delay}: the wait is kept by {@link #closer()}, which then hands
     * the task to the I/O thread (delayed tasks are rare: a deferred flush, a strike's close), so cancelling the
     * returned future before the delay ends keeps the task from running.
     */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (stopped) {
            throw new RejectedExecutionException("send loop stopped");
        }
        return closer.schedule(
                () -> {
                    try {
                        execute(command);
                    } catch (RejectedExecutionException e) {
                        // stopped while waiting: undeploy drops the loop's work, as shutdownNow does
                    }
                },
                delay,
                unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("a send loop schedules runnables only");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("a send loop does not repeat tasks");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("a send loop does not repeat tasks");
    }

    @Override
    public void shutdown() {
        stop();
    }

    @Override
    public List<Runnable> shutdownNow() {
        stop();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return stopped;
    }

    @Override
    public boolean isTerminated() {
        return stopped;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return stopped;
    }
}
