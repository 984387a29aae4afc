package io.switchboard.websocket;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The standard async remote of a container that queues frames itself, in order (Undertow): frames are handed over
 * without waiting for the last one's completion, a batch per flush.
 */
final class PipelinedSendQueue extends FlushingSendQueue {

    private static final int BATCH_FRAMES = 256;

    PipelinedSendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        super(sender, loop, close, maxPending);
    }

    /** Nothing queued: the frame goes to the container's queue at once; its completion counts it off. */
    @Override
    protected boolean sendNow(OutboundFrame frame) {
        dispatch(frame);
        return true;
    }

    @Override
    protected boolean write() {
        OutboundFrame frame;
        for (int i = 0; i < BATCH_FRAMES && (frame = queue.poll()) != null; i++) {
            dispatch(frame);
        }
        return true;
    }
}
