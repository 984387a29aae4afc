package io.switchboard.websocket;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 */
final class UpgradeRequest {

    private static final Logger LOG = Logger.getLogger(UpgradeRequest.class.getName());
    private static final String SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";
    private static final long POLL_MILLIS = 5;
    /** After the request has left its service: for the request thread to return through Grizzly's filter chain. */
    private static final long GRACE_MILLIS = 50;
    /** A request that never reports its end (not seen on the containers tested) is closed after this anyway. */
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    private UpgradeRequest() {}

    /** Runs {@code close} on {@code loop} once the upgrade request of {@code session} has finished; call it in {@code @OnOpen}. */
    static void thenClose(Session session, ScheduledExecutorService loop, Runnable close) {
        BooleanSupplier finished = finished(session);
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        Runnable attempt = new Runnable() {
            @Override
            public void run() {
                if (finished.getAsBoolean() || System.nanoTime() - deadline > 0) {
                    loop.schedule(close, GRACE_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    loop.schedule(this, POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        };
        try {
            loop.execute(attempt);
        } catch (RejectedExecutionException e) {
            close.run(); // shutting down
        }
    }

    /**
     * On Payara, whether the Catalina request under Tyrus' servlet upgrade has left its service
     * ({@code Request.afterService}); elsewhere, at once. The request is read only until then, while its suspended
     * response keeps it from being recycled.
     */
    private static BooleanSupplier finished(Session session) {
        if (!session.getClass().getName().startsWith("org.glassfish.tyrus.")) {
            return () -> true;
        }
        try {
            Object webSocket = Reflection.field(session.getAsyncRemote(), "webSocket");
            Object writer = Reflection.field(Reflection.field(webSocket, "protocolHandler"), "writer");
            if (writer == null || !SERVLET_WRITER.equals(writer.getClass().getName())) {
                return () -> true;
            }
            Object upgradeHandler =
                    Reflection.field(writer, "tyrusHttpUpgradeHandler"); // may be a proxy of the real one
            Object request = Reflection.field(Reflection.call(upgradeHandler, "getWebConnection"), "request");
            Reflection.field(request, "afterService");
            return () -> {
                try {
                    return (boolean) Reflection.field(request, "afterService");
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
}
