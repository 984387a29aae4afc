package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A token bucket: {@code perSecond} messages a second on average, bursts of twice that. Thread-safe and cheap
 * enough to ask for every inbound message.
 * <p>
 * The bucket is one number, the time at which it will be full again (the generic cell rate algorithm): a message
 * takes one token, that is moves that time one interval ({@code 1 / perSecond}) later, and fits when the bucket then
 * still holds a token. The {@link Rate} is shared by all buckets of one limit; a connection keeps its bucket's number
 * in a field of its own ({@link Connection#admit()}), a user's is a {@code RateLimit}.
 */
final class RateLimit {

    private static final VarHandle FULL_AT = Reflection.varHandle(MethodHandles.lookup(), "fullAt", long.class);

    private final Rate rate;
    /** When the bucket is full again ({@link Rate}); changed by compare-and-set only. */
    @SuppressWarnings("unused") // through FULL_AT
    private volatile long fullAt;

    RateLimit(int perSecond, Ticker ticker) {
        this(new Rate(perSecond, ticker));
    }

    RateLimit(Rate rate) {
        this.rate = rate;
        this.fullAt = rate.full();
    }

    /** Takes one token; false when the bucket is empty (the message is over the limit). */
    boolean tryAcquire() {
        return rate.tryAcquire(this, FULL_AT);
    }

    /** Whether the bucket is full: it holds what a fresh one would, so dropping it changes nothing. */
    boolean full() {
        return fullAt - rate.ticker.nanos() <= 0;
    }

    /**
     * A rate and its burst, on a ticker: what the buckets of one limit share. A bucket is the time, in the ticker's
     * nanoseconds, at which it is full again; a time at or before now is a full bucket.
     */
    static final class Rate {

        /** Beyond any time a bucket is refilled by (a rate of 0 never refills). */
        private static final double NEVER = 0x1p60;

        final Ticker ticker;
        /** Nanoseconds that refill one token. */
        private final double interval;
        /** How far past now the full time may be while one token is left: (capacity - 1) intervals. */
        private final double tolerance;

        Rate(int perSecond, Ticker ticker) {
            this.ticker = ticker;
            double capacity = Math.max(1, 2.0 * perSecond);
            this.interval = perSecond > 0 ? 1e9 / perSecond : NEVER;
            this.tolerance = (capacity - 1) * interval;
        }

        /** A full bucket, now. */
        long full() {
            return ticker.nanos();
        }

        /** Takes one token from the bucket in {@code handle} (a {@code long} field of {@code holder}). */
        boolean tryAcquire(Object holder, VarHandle handle) {
            long now = ticker.nanos();
            while (true) {
                long fullAt = (long) handle.getVolatile(holder);
                long from = fullAt - now > 0 ? fullAt : now;
                if (from - now > tolerance) {
                    return false;
                }
                if (handle.compareAndSet(holder, fullAt, from + Math.round(interval))) {
                    return true;
                }
            }
        }
    }
}
