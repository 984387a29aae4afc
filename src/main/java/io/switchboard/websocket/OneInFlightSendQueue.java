package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The standard async remote of a container that takes one frame at a time, as the specification requires: the next
 * frame is handed over when the last one's completion arrives.
 */
final class OneInFlightSendQueue extends SendQueue {

    private final AtomicInteger drainers = new AtomicInteger();
    private volatile boolean inFlight;

    OneInFlightSendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        super(sender, loop, close, maxPending);
    }

    /** Keeps one frame in flight; safe from any thread and from within a completion callback. */
    @Override
    void written() {
        if (drainers.getAndIncrement() != 0) {
            return;
        }
        do {
            if (!inFlight) {
                OutboundFrame next = queue.poll();
                if (next != null) {
                    inFlight = true;
                    dispatch(next);
                }
            }
        } while (drainers.decrementAndGet() != 0);
    }

    @Override
    protected void sent(SendResult result) {
        super.sent(result);
        inFlight = false;
        written();
    }

    /** After the frames handed over before it are queued: the container writes them before the Close frame. */
    @Override
    void closeWhenFlushed(CloseReason reason) {
        onLoop(() -> close.close(reason));
    }
}
