package io.switchboard.websocket;

import io.switchboard.config.Ticker;

/**
 * A token bucket: {@code perSecond} messages a second on average, bursts of twice that. Thread-safe and cheap
 * enough to ask for every inbound message.
 */
final class RateLimit {

    private final Ticker ticker;
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    RateLimit(int perSecond, Ticker ticker) {
        this.ticker = ticker;
        this.perNano = perSecond / 1e9;
        this.capacity = Math.max(1, 2.0 * perSecond);
        this.tokens = capacity;
        this.last = ticker.nanos();
    }

    /** Takes one token; false when the bucket is empty (the message is over the limit). */
    synchronized boolean tryAcquire() {
        long now = ticker.nanos();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
