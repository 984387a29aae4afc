package io.switchboard.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Frames handed to the sender a batch at a time, on the connection's send loop, for a sender that writes without
 * blocking and says when the container still holds earlier writes (an event stream): while it does, frames
 * stay queued here, where they count towards the slow-consumer limit. A frame is written by a flush queued behind
 * the loop's waiting tasks, so a loop that falls behind writes the frames of several broadcasts in one batch (each
 * write through a servlet response costs far more than the frame's bytes); a sender that says when its earlier writes
 * are done is not polled.
 */
final class BatchingSendQueue extends FlushingSendQueue {

    private static final int BATCH_FRAMES = 256;
    /**
     * At most about this many payload bytes per batch: what a batch hands over no longer counts as pending, so a
     * client that does not read holds at most one batch more than the slow-consumer limit.
     */
    private static final int BATCH_BYTES = 65_536;

    private final boolean woken;

    BatchingSendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        super(sender, loop, close, maxPending);
        this.woken = sender.whenWritten(this::wake);
    }

    @Override
    protected boolean flushesLater() {
        return true;
    }

    @Override
    protected boolean woken() {
        return woken;
    }

    @Override
    protected boolean write() {
        if (sender.writing()) {
            return false;
        }
        OutboundFrame frame = queue.poll();
        if (frame == null) {
            return true;
        }
        List<OutboundFrame> batch = new ArrayList<>(Math.min(BATCH_FRAMES, queue.size() + 1));
        int bytes = 0;
        do {
            batch.add(frame);
            bytes += frame.payloadBytes();
        } while (batch.size() < BATCH_FRAMES && bytes < BATCH_BYTES && (frame = queue.poll()) != null);
        addPending(-batch.size());
        try {
            if (!close.closedHere()) {
                sender.sendBatch(batch);
            }
        } catch (RuntimeException e) {
            close.sendFailed(e);
        }
        return true;
    }
}
