package io.switchboard.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Pre-encoded frames, several per raw write (Tyrus on Payara: the Grizzly connection's write queue, or Tyrus' raw
 * frames): a flush writes everything queued, up to 64 KiB, in one write. While earlier writes still wait in the
 * container (the client reads slowly), frames stay queued here, where they count towards the slow-consumer limit.
 */
final class CoalescingSendQueue extends FlushingSendQueue {

    private static final int BATCH_BYTES = 65_536;

    CoalescingSendQueue(FrameSender sender, ScheduledExecutorService loop, CloseProtocol close, int maxPending) {
        super(sender, loop, close, maxPending);
    }

    /**
     * The common case of a client that keeps up: nothing queued and the container's write queue empty, so the frame
     * is written as a flush would write it, with no queue node and no flush task.
     */
    @Override
    protected boolean sendNow(OutboundFrame frame) {
        if (sender.writing()) {
            return false;
        }
        addPending(-1);
        byte[] wire = frame.wire();
        writeFrames(wire, wire.length);
        return true;
    }

    @Override
    protected boolean write() {
        if (sender.writing()) {
            return false;
        }
        OutboundFrame first = queue.poll();
        if (first == null) {
            return true;
        }
        int frames = 1;
        byte[] buffer = first.wire(); // shared by every receiver of the frame, never changed: no copy needed
        int bytes = buffer.length;
        if (!queue.isEmpty()) {
            List<byte[]> batch = new ArrayList<>();
            batch.add(buffer);
            OutboundFrame frame;
            while (bytes < BATCH_BYTES && (frame = queue.poll()) != null) {
                byte[] wire = frame.wire();
                batch.add(wire);
                bytes += wire.length;
            }
            buffer = new byte[bytes];
            int at = 0;
            for (byte[] wire : batch) {
                System.arraycopy(wire, 0, buffer, at, wire.length);
                at += wire.length;
            }
            frames = batch.size();
        }
        addPending(-frames);
        writeFrames(buffer, bytes);
        return true;
    }

    private void writeFrames(byte[] buffer, int bytes) {
        try {
            if (!close.closedHere()) {
                sender.writeFrames(buffer, bytes);
            }
        } catch (RuntimeException e) {
            close.sendFailed(e);
        }
    }
}
