package io.switchboard.websocket;

/**
 * A token bucket: {@code perSecond} messages a second on average, bursts of twice that. Thread-safe and cheap
 * enough to ask for every inbound message.
 */
final class RateLimit {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last = System.nanoTime();

    RateLimit(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.capacity = Math.max(1, 2.0 * perSecond);
        this.tokens = capacity;
    }

    /** Takes one token; false when the bucket is empty (the message is over the limit). */
    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
