package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How one connection ends. It closes once, on the connection's send loop, after any write already under way, so no
 * data frame follows the Close frame. A close may wait for the frames already queued ({@link #closeAfterFlush}, so
 * that the error frames explaining it arrive first); any other close overtakes it, since a client that does not read
 * may never let them drain.
 */
final class CloseProtocol {

    private static final Logger LOG = Logger.getLogger(CloseProtocol.class.getName());
    private static final BooleanSupplier FINISHED = () -> true;
    private static final VarHandle CLOSING = Reflection.varHandle(MethodHandles.lookup(), "closing", boolean.class);
    private static final VarHandle AFTER_FLUSH =
            Reflection.varHandle(MethodHandles.lookup(), "afterFlush", CloseReason.class);

    private final Session session;
    private final Executor loop;
    /** Until it has said true once: then {@link #FINISHED}, so the container's request is no longer referenced here. */
    private volatile BooleanSupplier upgradeFinished;
    /** Set once, through CLOSING: no frame is queued any more. */
    private volatile boolean closing;
    /** The reason of a close waiting for the queued frames; taken once, through AFTER_FLUSH. */
    @SuppressWarnings("unused")
    private volatile CloseReason afterFlush;

    private volatile boolean sessionClosed;
    private volatile CloseReason closedWith;
    private volatile boolean sendFailed;

    CloseProtocol(Session session, Executor loop) {
        this(session, loop, () -> true);
    }

    /**
     * @param upgradeFinished whether the container has finished the HTTP request that upgraded the session; a close
     *     waits for it on a scheduled loop ({@link UpgradeRequest})
     */
    CloseProtocol(Session session, Executor loop, BooleanSupplier upgradeFinished) {
        this.session = session;
        this.loop = loop;
        this.upgradeFinished = upgradeFinished;
    }

    /** Whether the container has finished the HTTP request that upgraded the session ({@link UpgradeRequest}). */
    boolean upgradeFinished() {
        BooleanSupplier finished = upgradeFinished;
        if (finished == FINISHED) {
            return true;
        }
        if (finished.getAsBoolean()) {
            upgradeFinished = FINISHED; // once finished, it stays so
            return true;
        }
        return false;
    }

    /** Whether the connection is closing: no frame is queued any more. */
    boolean closing() {
        return closing;
    }

    /** Whether the session was closed, or the container reports it closed: nothing is written any more. */
    boolean closed() {
        return sessionClosed || !session.isOpen();
    }

    /** Whether this side closed the session (cheaper than asking the container for every write). */
    boolean closedHere() {
        return sessionClosed;
    }

    /** Closes once; later calls do nothing, except that a close waiting for queued frames is overtaken. */
    void close(CloseReason reason) {
        if (CLOSING.compareAndSet(this, false, true) || AFTER_FLUSH.getAndSet(this, null) != null) {
            try {
                loop.execute(() -> closeSession(reason));
            } catch (RejectedExecutionException e) {
                closeSession(reason); // shutting down
            }
        }
    }

    /**
     * A write to the client failed: closes with 1011. The failure may be the consequence of a close the container
     * took in meanwhile (the client's Close frame, a broken connection); {@link #sendFailed()} lets the close's
     * report tell the two apart.
     */
    void sendFailed(Object cause) {
        LOG.log(Level.FINE, "A send to {0} failed: {1}", new Object[] {session.getId(), cause});
        sendFailed = true;
        close(Close.INTERNAL_ERROR.reason("send failed"));
    }

    /** Whether this side closed, or is closing, because a write failed ({@link #sendFailed(Object)}). */
    boolean sendFailed() {
        return sendFailed;
    }

    /**
     * Marks the connection closing, to be closed with {@code reason} once the send queue has written what it holds
     * ({@link #flushed}); false when it was closing already.
     */
    boolean closeAfterFlush(CloseReason reason) {
        if (CLOSING.compareAndSet(this, false, true)) {
            afterFlush = reason;
            return true;
        }
        return false;
    }

    /** The send queue has written everything: a close waiting for that happens now. */
    void flushed() {
        CloseReason reason = (CloseReason) AFTER_FLUSH.getAndSet(this, null);
        if (reason != null) {
            closeSession(reason);
        }
    }

    /** The reason this side closed the session with; null when it did not close it. */
    CloseReason closedWith() {
        return closedWith;
    }

    private void closeSession(CloseReason reason) {
        closedWith = reason;
        sessionClosed = true;
        if (loop instanceof IoThreadLoop io) {
            ScheduledExecutorService closer = io.closer();
            try {
                closer.execute(
                        () -> UpgradeRequest.whenFinished(this::upgradeFinished, closer, () -> closeNow(reason)));
            } catch (RejectedExecutionException e) {
                closeNow(reason); // shutting down
            }
        } else if (loop instanceof ScheduledExecutorService scheduled) {
            UpgradeRequest.whenFinished(this::upgradeFinished, scheduled, () -> closeNow(reason));
        } else {
            closeNow(reason);
        }
    }

    private void closeNow(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing {0} failed: {1}", new Object[] {session.getId(), e});
        }
    }
}
