package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;

/** Counts refused (or dropped) messages of one connection inside a sliding window. */
final class Strikes {

    private final int max;
    private final long windowNanos;
    private final Ticker ticker;
    /** Made on the first strike: most connections never get one. */
    private ArrayDeque<Long> times;

    Strikes(int max, Duration window, Ticker ticker) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
    }

    /** Records one strike; true when the strikes inside the window now exceed the maximum. */
    synchronized boolean strike() {
        long now = ticker.nanos();
        if (times == null) {
            times = new ArrayDeque<>();
        }
        while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
            times.pollFirst();
        }
        times.addLast(now);
        return times.size() > max;
    }
}
