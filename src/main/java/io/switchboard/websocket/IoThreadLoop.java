package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
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

    /** For an I/O thread class: {@code execute(Runnable)}, {@code executeAfter(Runnable, long, TimeUnit)}. */
    private static final ClassValue<MethodHandle[]> HANDLES = Reflection.perClass(type -> {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> executor = Class.forName("org.xnio.XnioIoThread", false, type.getClassLoader());
        return new MethodHandle[] {
            lookup.findVirtual(executor, "execute", MethodType.methodType(void.class, Runnable.class))
                    .asType(MethodType.methodType(void.class, Object.class, Runnable.class)),
            lookup.findVirtual(
                            executor,
                            "executeAfter",
                            MethodType.methodType(
                                    Class.forName("org.xnio.XnioExecutor$Key", false, type.getClassLoader()),
                                    Runnable.class,
                                    long.class,
                                    TimeUnit.class))
                    .asType(MethodType.methodType(
                            Object.class, Object.class, Runnable.class, long.class, TimeUnit.class))
        };
    });

    private final Object thread;
    private final ScheduledExecutorService closer;
    private final MethodHandle execute;
    private final MethodHandle executeAfter;
    private volatile boolean stopped;

    private IoThreadLoop(Object thread, ScheduledExecutorService closer) {
        this.thread = thread;
        this.closer = closer;
        MethodHandle[] handles = HANDLES.get(thread.getClass());
        this.execute = handles[0];
        this.executeAfter = handles[1];
    }

    /** The I/O thread of the Undertow channel under {@code session}; null when there is none to reach. */
    static Object ioThreadOf(Session session) {
        if (!session.getClass().getName().startsWith("io.undertow.")) {
            return null;
        }
        try {
            Object channel = session.getClass().getMethod("getWebSocketChannel").invoke(session);
            Object thread = channel.getClass().getMethod("getIoThread").invoke(channel);
            HANDLES.get(thread.getClass());
            return thread;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A loop on {@code thread}, an I/O thread found by {@link #ioThreadOf}; its connections' sessions are closed on
     * {@code closer}, one of Switchboard's own threads ({@link #closer()}).
     */
    static IoThreadLoop on(Object thread, ScheduledExecutorService closer) {
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
        try {
            execute.invokeExact(thread, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new RejectedExecutionException(e);
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (stopped) {
            throw new RejectedExecutionException("send loop stopped");
        }
        Later<Void> task = new Later<>(command, null, System.nanoTime() + unit.toNanos(delay));
        try {
            executeAfter.invokeExact(thread, (Runnable) task, delay, unit);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new RejectedExecutionException(e);
        }
        return task;
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

    /** A task run after a delay; cancelling it keeps it from running. */
    private static final class Later<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final long dueNanos;

        Later(Runnable task, V result, long dueNanos) {
            super(task, result);
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
