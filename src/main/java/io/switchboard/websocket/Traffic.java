package io.switchboard.websocket;

import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.TrafficLog;
import java.util.function.LongSupplier;

/**
 * What one connection sent and received, for the meters and the traffic log's close line: the frames queued for the
 * client (counted on its send loop, the only writer), the messages it sent (on the container's reading thread), and
 * the payload bytes of its data frames as the {@link FrameScanner} saw them arrive (of an event stream: of its POST
 * bodies, {@link PeerSession}).
 */
final class Traffic {

    final int endpoint;
    final Meters meters;
    final String remote;
    final long openedNanos = System.nanoTime();
    private final LongSupplier bytesIn;
    private volatile long framesOut;
    private volatile long bytesOut;
    private volatile long framesIn;

    /** @param bytesIn the payload bytes received so far (a {@link FrameScanner}'s count), or null when not counted */
    Traffic(int endpoint, Meters meters, String remote, LongSupplier bytesIn) {
        this.endpoint = endpoint;
        this.meters = meters;
        this.remote = remote;
        this.bytesIn = bytesIn;
    }

    /** For connections made outside a deployment (component tests): counts go nowhere. */
    static Traffic none() {
        return new Traffic(Meters.CHAT, Meters.none(), null, null);
    }

    /**
     * On the send loop: one frame queued for the client, counted here; the meters take it through {@link #metered},
     * a broadcast's frames at once.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer: the connection's send loop
    void counted(OutboundFrame frame, String connection) {
        framesOut++;
        bytesOut += frame.payloadBytes();
        if (TrafficLog.contents()) {
            TrafficLog.content(connection, "out", frame.text());
        }
    }

    /** Whether this connection's frames go to the same meters as {@code other}'s. */
    boolean metersLike(Traffic other) {
        return meters == other.meters && endpoint == other.endpoint;
    }

    /** Adds {@code count} frames ({@link #counted}, one or a broadcast's) to the meters of this connection's endpoint. */
    void metered(OutboundFrame frame, int count) {
        meters.framesOut(endpoint, frame.type(), frame.payloadBytes(), count);
    }

    /** One message received (decoded or not). */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // one reader of the connection at a time
    void in() {
        framesIn++;
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }

    long framesIn() {
        return framesIn;
    }

    /** Payload bytes of the client's data frames (or POST bodies); -1 when nothing counts them on this connection. */
    long bytesIn() {
        return bytesIn == null ? -1 : bytesIn.getAsLong();
    }
}
