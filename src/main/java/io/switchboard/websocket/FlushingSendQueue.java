package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A send queue whose frames are written by flushes on the connection's send loop, never on the publisher's thread,
 * at most one flush at a time; a close waiting for the queue happens when a flush leaves it empty.
 */
abstract class FlushingSendQueue extends SendQueue {

    private static final Logger LOG = Logger.getLogger(FlushingSendQueue.class.getName());
    private static final VarHandle FLUSH_SCHEDULED =
            Reflection.varHandle(MethodHandles.lookup(), "flushScheduled", boolean.class);

    /** Whether a flush is scheduled or running; set through FLUSH_SCHEDULED. */
    private volatile boolean flushScheduled;
    /** Whether frames may go out: the upgrade request has finished ({@link UpgradeRequest}); on the loop only. */
    private boolean released;
    /** When the first flush found the upgrade request unfinished; 0 when it did not. */
    private long heldSince;

    FlushingSendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        super(sender, loop, close, maxPending);
    }

    @Override
    final void written() {
        if (FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
            if (!flushesLater()) {
                flush(); // on this connection's loop: no other flush of it runs now
                return;
            }
            try {
                loop.execute(this::flush);
            } catch (RejectedExecutionException e) {
                flushScheduled = false; // shutting down
            }
        }
    }

    /**
     * With nothing queued, no flush scheduled or running and the first frames released, the frame goes to the sender
     * now ({@link #sendNow}) instead of through the queue and a flush: the common case of a client that keeps up.
     */
    @Override
    protected final boolean sentAtOnce(OutboundFrame frame) {
        return released && !flushScheduled && queue.isEmpty() && !close.closed() && sendNow(frame);
    }

    /**
     * Sends {@code frame}, counted as pending, now as a flush would, if the strategy can without waiting for the
     * container; false to queue it.
     */
    protected boolean sendNow(OutboundFrame frame) {
        return false;
    }

    /**
     * Whether a queued frame is written by a flush that runs after the tasks already waiting on the loop (the rest of
     * the broadcast that queued it, and any broadcasts queued behind it), rather than at once: when the loop falls
     * behind, the frames of all those broadcasts then go out in one write.
     */
    protected boolean flushesLater() {
        return false;
    }

    /**
     * Whether the sender says when its earlier writes are done ({@link FrameSender#whenWritten}), so that a flush
     * that found it {@link FrameSender#writing} waits for that instead of trying again every millisecond.
     */
    protected boolean woken() {
        return false;
    }

    /** The sender's earlier writes are done (any thread): flushes what is queued. */
    protected final void wake() {
        if (!queue.isEmpty() || close.closing()) {
            scheduleFlush(0);
        }
    }

    /**
     * Holds the first frames until the upgrade request has finished (then a grace period), so that a client cannot
     * answer them, with a Close say, while the container still finishes it; true while they are held.
     */
    private boolean hold() {
        long now = System.nanoTime();
        if (!close.upgradeFinished() && (heldSince == 0 || now - heldSince < UpgradeRequest.LONGEST_WAIT.toNanos())) {
            if (heldSince == 0) {
                heldSince = now;
            }
            flushScheduled = false;
            scheduleFlush(UpgradeRequest.POLL_MILLIS);
            return true;
        }
        released = true;
        if (heldSince != 0) {
            flushScheduled = false;
            scheduleFlush(UpgradeRequest.GRACE_MILLIS);
            return true;
        }
        return false;
    }

    @Override
    final void closeWhenFlushed(CloseReason reason) {
        onLoop(() -> {
            if (close.closeAfterFlush(reason)) {
                scheduleFlush(0);
            }
        });
    }

    /**
     * Writes what the strategy allows now ({@link #write}); returns false when the container is still busy with
     * earlier writes and the flush should be tried again shortly.
     */
    protected abstract boolean write();

    protected final void scheduleFlush(long delayMillis) {
        if (FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
            try {
                if (delayMillis == 0) {
                    loop.execute(this::flush);
                } else {
                    loop.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException e) {
                flushScheduled = false; // shutting down
            }
        }
    }

    private void flush() {
        try {
            flushQueued();
        } catch (RuntimeException | Error e) {
            flushScheduled = false;
            LOG.log(Level.WARNING, "Sending failed", e);
            close.sendFailed(e);
        }
    }

    private void flushQueued() {
        if (!released && hold()) {
            return;
        }
        if (close.closed()) {
            queue.clear(); // nobody will read them: a write queue that never drains must not keep us polling
            flushScheduled = false;
            return;
        }
        if (!write()) {
            flushScheduled = false;
            if (!woken()) {
                scheduleFlush(1);
            } else if (!sender.writing()) {
                scheduleFlush(0); // the wake came while this flush ran: its scheduleFlush found one scheduled
            }
            return;
        }
        flushScheduled = false;
        if (!queue.isEmpty()) {
            scheduleFlush(0);
        } else {
            close.flushed();
        }
    }
}
