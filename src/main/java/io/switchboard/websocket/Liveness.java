package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import java.time.Duration;

/**
 * When one client was last heard from and last pinged, for the {@link Heartbeat}: any frame or pong counts as heard;
 * a pong ends the round trip of the ping waiting for it.
 */
final class Liveness {

    private final Ticker ticker;
    private volatile long lastSeenNanos;
    private volatile long lastPingNanos;
    /** When the ping still waiting for its pong was sent; 0 when none is. */
    private volatile long pingOutstandingNanos;

    Liveness(Ticker ticker) {
        this.ticker = ticker;
        this.lastSeenNanos = ticker.nanos();
        this.lastPingNanos = lastSeenNanos;
    }

    /** The client was heard from. */
    void heard() {
        lastSeenNanos = ticker.nanos();
    }

    Duration silence() {
        return Duration.ofNanos(ticker.nanos() - lastSeenNanos);
    }

    /** How long since the client was last heard or pinged, whichever was later. */
    Duration sinceHeardOrPinged() {
        return Duration.ofNanos(ticker.nanos() - Math.max(lastSeenNanos, lastPingNanos));
    }

    /** A ping is being sent now. */
    void pinged() {
        lastPingNanos = ticker.nanos();
        pingOutstandingNanos = lastPingNanos;
    }

    /** A pong arrived: the client was heard; returns the round trip of the ping it answers, or -1 when none waited. */
    long ponged() {
        long now = ticker.nanos();
        lastSeenNanos = now;
        long sent = pingOutstandingNanos;
        if (sent == 0) {
            return -1;
        }
        pingOutstandingNanos = 0;
        return now - sent;
    }
}
