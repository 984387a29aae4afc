package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When a session refused in {@code @OnOpen} may be closed: once the container has finished the HTTP request that
 * upgraded it.
 * <p>
 * Payara (Tyrus over Catalina and Grizzly) calls {@code @OnOpen} from inside the upgrade request
 * ({@code TyrusHttpUpgradeHandler.init}, from {@code StandardPipeline.doInvoke}) and keeps the request's Grizzly
 * response suspended for the life of the WebSocket; the session's close ends it ({@code WebConnectionImpl.close} →
 * {@code Request.resumeAfterService} → Grizzly {@code Response.resume}, which finishes and recycles the pooled
 * request and response). A close inside {@code @OnOpen} writes its Close frame at once, but Catalina defers the end
 * of the request until it leaves {@code CoyoteAdapter.service} ({@code Request.onExitService}). A client that answers
 * the Close frame at once, as RFC 6455 asks, has its frame read by another Grizzly thread into the still-suspended
 * request while the request thread finishes and recycles it: the pooled objects then serve two requests at once
 * (500 "Response has not been set", empty answers, another request's body). So the close waits until the request
 * has left its service and is then made from a Switchboard thread; on a plain connection the Close frame goes
 * straight to the Grizzly connection, which is closed right after it ({@link FrameSender#closeConnection}), so that
 * no answering frame is read at all (a client's TCP close alone is handled cleanly by the container).
 * <p>
 * Other containers (Undertow) have finished the request by the time {@code @OnOpen} runs.
 * <p>
 * The same holds for an accepted session: a client that gets its {@code welcome} and closes at once (or any close
 * of ours) while the upgrade request is still finishing can corrupt the pooled request objects, and the next
 * connection or request then fails (seen as a {@code welcome} that never comes, and as a Catalina request without its
 * context). So on Payara a new connection's first frames wait until its upgrade request has finished
 * ({@link FlushingSendQueue}), and so does every close ({@link CloseProtocol}).
 */
final class UpgradeRequest {

    private static final Logger LOG = Logger.getLogger(UpgradeRequest.class.getName());
    private static final String SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";
    static final long POLL_MILLIS = 5;
    /** After the request has left its service: for the request thread to return through Grizzly's filter chain. */
    static final long GRACE_MILLIS = 50;
    /** A request that never reports its end (not seen on the containers tested) is closed after this anyway. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private UpgradeRequest() {}

    /** Runs {@code close} on {@code loop} once the upgrade request of {@code session} has finished; call it in {@code @OnOpen}. */
    static void thenClose(Session session, ScheduledExecutorService loop, Runnable close) {
        BooleanSupplier finished = finished(session);
        try {
            loop.execute(() -> whenFinished(finished, loop, close));
        } catch (RejectedExecutionException e) {
            close.run(); // shutting down
        }
    }

    /**
     * Runs {@code action} now when the upgrade request has finished, else on {@code loop} once it has (plus the grace
     * period), or after {@link #LONGEST_WAIT} at the latest. Every close of an accepted session goes through this too:
     * a heartbeat, an administrator or a drain may close a connection whose upgrade request a loaded server has not
     * finished yet.
     */
    static void whenFinished(BooleanSupplier finished, ScheduledExecutorService loop, Runnable action) {
        if (finished.getAsBoolean()) {
            action.run();
            return;
        }
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        Runnable attempt = new Runnable() {
            @Override
            public void run() {
                if (finished.getAsBoolean() || System.nanoTime() - deadline > 0) {
                    loop.schedule(action, GRACE_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    loop.schedule(this, POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        };
        try {
            loop.schedule(attempt, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            action.run(); // shutting down
        }
    }

    /**
     * On Payara, whether the Catalina request under Tyrus' servlet upgrade has left its service
     * ({@code Request.afterService}); elsewhere, at once. The request is read only until then, while its suspended
     * response keeps it from being recycled.
     */
    static BooleanSupplier finished(Session session) {
        if (!session.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return () -> true;
        }
        try {
            Object request = servletRequest(session);
            if (request == null) {
                return () -> true;
            }
            Reflection.field(request, "afterService");
            AtomicBoolean seen = new AtomicBoolean();
            return () -> {
                if (seen.get()) {
                    return true; // the pooled request may serve another request by now: once seen, it stays so
                }
                try {
                    boolean finished = (boolean) Reflection.field(request, "afterService");
                    if (finished) {
                        seen.set(true);
                    }
                    return finished;
                } catch (ReflectiveOperationException e) {
                    return true;
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "Cannot tell when the upgrade request of {0} ends; closing it after a grace period: {1}",
                    new Object[] {session.getId(), e.toString()});
            return () -> true;
        }
    }

    /**
     * The container's request (Catalina's {@code Request}) under Tyrus' servlet upgrade of a Tyrus session, or null
     * when the session is not on a servlet upgrade.
     */
    static Object servletRequest(Session session) throws ReflectiveOperationException {
        Object webSocket = Reflection.field(session.getAsyncRemote(), "webSocket");
        Object writer = Reflection.field(Reflection.field(webSocket, "protocolHandler"), "writer");
        if (writer == null || !SERVLET_WRITER.equals(writer.getClass().getName())) {
            return null;
        }
        Object upgradeHandler = Reflection.field(writer, "tyrusHttpUpgradeHandler"); // may be a proxy of the real one
        return Reflection.field(Reflection.call(upgradeHandler, "getWebConnection"), "request");
    }
}
