package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The frames waiting for one client, and how they reach its socket: one strategy per container path, chosen by the
 * connection's {@link FrameSender} ({@link #of}). Frames are queued on the connection's send loop, a single thread,
 * so they keep the order in which they were handed over. A client with more than {@code maxPending} frames waiting
 * for its socket is closed as a slow consumer (4001) instead of holding back others.
 */
abstract class SendQueue implements SendHandler {

    private static final VarHandle PENDING = Reflection.varHandle(MethodHandles.lookup(), "pending", int.class);

    protected final FrameSender sender;
    protected final ScheduledExecutorService loop;
    protected final CloseProtocol close;
    protected final Queue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();
    /** Frames queued and not yet written or handed to the container; through PENDING ({@link #addPending}). */
    @SuppressWarnings("unused")
    private volatile int pending;

    private final int maxPending;

    SendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        this.sender = sender;
        this.loop = loop;
        this.close = close;
        this.maxPending = maxPending;
    }

    /**
     * Coalesced raw writes where the sender takes them (Tyrus: the Grizzly connection, or Tyrus' raw frames), batches
     * of frames where the sender writes them without blocking (an event stream),
     * several frames in flight where the container queues them (Undertow), else one frame in flight.
     */
    static SendQueue of(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        if (sender.coalesces()) {
            return new CoalescingSendQueue(sender, loop, close, maxPending);
        }
        if (sender.batches()) {
            return new BatchingSendQueue(sender, loop, close, maxPending);
        }
        return sender.pipelined()
                ? new PipelinedSendQueue(sender, loop, close, maxPending)
                : new OneInFlightSendQueue(sender, loop, close, maxPending);
    }

    /**
     * On the send loop: takes one more frame (the caller then hands it to {@link #write}); closes the connection
     * (4001) when too many wait.
     *
     * @return whether the frame may be queued; when false the caller drops it
     */
    final boolean admit() {
        if (close.closing()) {
            return false;
        }
        if (addPending(1) > maxPending) {
            addPending(-1);
            close.close(Close.SLOW_CONSUMER.reason());
            return false;
        }
        return true;
    }

    /** On the send loop, for a frame {@link #admit admitted}: queues it and starts writing, or writes it at once. */
    final void write(OutboundFrame frame) {
        if (!sentAtOnce(frame)) {
            queue.offer(frame);
            written();
        }
    }

    /** Adds {@code frames} (may be negative) to the frames pending; returns the new count. */
    protected final int addPending(int frames) {
        return (int) PENDING.getAndAdd(this, frames) + frames;
    }

    /** Frames queued and not yet written or handed to the container. */
    final int pending() {
        return pending;
    }

    /**
     * On the send loop, for a frame counted as pending and about to be queued: whether the strategy sent it at once
     * instead (it then counts it off as it would have from the queue), which it may only do when nothing is queued or
     * being flushed, so the order holds.
     */
    protected boolean sentAtOnce(OutboundFrame frame) {
        return false;
    }

    /** Writes what is queued, as far as the strategy allows now. */
    abstract void written();

    /** Closes once the frames handed over before are written (or handed to the container). */
    abstract void closeWhenFlushed(CloseReason reason);

    /** Hands one frame to the container's queue; its completion ({@link #onResult}) counts it off. */
    protected final void dispatch(OutboundFrame frame) {
        try {
            sender.send(frame, this);
        } catch (RuntimeException e) {
            sent(new SendResult(e));
        }
    }

    /** The completion of every frame handed to the container: the queue itself, not one object per frame. */
    @Override
    public final void onResult(SendResult result) {
        sent(result);
    }

    protected void sent(SendResult result) {
        addPending(-1);
        if (!result.isOK()) {
            close.sendFailed(result.getException());
        }
    }

    protected final void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }
}
