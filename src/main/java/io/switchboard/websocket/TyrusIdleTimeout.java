package io.switchboard.websocket;

import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tyrus (Payara) restarts a session's idle-timeout task on every message it receives and every frame sent through
 * its remote (pings too), even when the session's max idle timeout is 0: it schedules a new task each time on the
 * container's managed scheduled executor, which captures the application's context for every task (on Payara a
 * {@code ServiceLoader} scan over the server's jars). That cost sat on the path of every client message, before
 * Switchboard saw it (JFR, 50 posts a second to 1,000 members: the jar scan was the top frame of the container's
 * reading threads). Switchboard turns the container's idle timeout off (its heartbeat decides when a silent
 * connection is dead), and with a timeout of 0 the task does nothing when it runs. So each Tyrus session gets its
 * executor behind a filter that answers such a schedule (delay 0) with a finished future instead of scheduling it;
 * everything else goes to the container's executor as before. The container's executor is put behind the same filter
 * at the first session, and its default idle timeout set to the sessions' 0: a session's constructor schedules the
 * first task (a scan each, 12 % of Payara's CPU while 10,000 connections reconnected at once), before any session
 * of Switchboard's is at hand.
 */
final class TyrusIdleTimeout {

    private static final Logger LOG = Logger.getLogger(TyrusIdleTimeout.class.getName());
    private static final String IDLE_TASK = "$IdleTimeoutCommand";
    private static final String CONTAINER_EXECUTOR = "managedScheduledExecutorService";
    /** The filter around each container executor (Tyrus has one per container: one entry). */
    private static final Map<ScheduledExecutorService, ScheduledExecutorService> FILTERS = new ConcurrentHashMap<>();

    private TyrusIdleTimeout() {}

    /** On a Tyrus session (call before its max idle timeout is set to 0): idle-timeout tasks of delay 0 are skipped. */
    static void skipNoOpTasks(Session session) {
        if (!session.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return;
        }
        try {
            filterContainer(session.getContainer());
            Object service = Reflection.field(session, "service");
            if (service instanceof ScheduledExecutorService executor && !Proxy.isProxyClass(executor.getClass())) {
                Reflection.set(session, "service", FILTERS.computeIfAbsent(executor, TyrusIdleTimeout::filter));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Tyrus idle-timeout tasks not filtered: {0}", e.toString());
        }
    }

    /** Sessions a Tyrus container makes from now on start with the filter ({@code BaseContainer}'s executor). */
    private static void filterContainer(WebSocketContainer container) throws ReflectiveOperationException {
        if (container.getDefaultMaxSessionIdleTimeout() != 0) {
            container.setDefaultMaxSessionIdleTimeout(0); // every session is set to 0 at its opening anyway
        }
        if (Reflection.has(container, CONTAINER_EXECUTOR)
                && Reflection.field(container, CONTAINER_EXECUTOR) instanceof ScheduledExecutorService executor
                && !Proxy.isProxyClass(executor.getClass())) {
            Reflection.set(container, CONTAINER_EXECUTOR, FILTERS.computeIfAbsent(executor, TyrusIdleTimeout::filter));
        }
    }

    private static ScheduledExecutorService filter(ScheduledExecutorService executor) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (noOpIdleTask(method, args)) {
                return Done.INSTANCE;
            }
            try {
                return method.invoke(executor, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (ScheduledExecutorService) Proxy.newProxyInstance(
                TyrusIdleTimeout.class.getClassLoader(), new Class<?>[] {ScheduledExecutorService.class}, handler);
    }

    /** {@code schedule(IdleTimeoutCommand, 0, unit)}: the task of a session without idle timeout, which does nothing. */
    static boolean noOpIdleTask(Method method, Object[] args) {
        return method.getName().equals("schedule")
                && args != null
                && args.length == 3
                && args[0] instanceof Runnable
                && args[0].getClass().getName().endsWith(IDLE_TASK)
                && args[1] instanceof Long delay
                && delay <= 0;
    }

    /** A task that has run: cancelling it does nothing. */
    static final class Done implements ScheduledFuture<Object> {
        static final Done INSTANCE = new Done();

        private Done() {}

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
