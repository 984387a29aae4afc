package io.switchboard.config;

/**
 * Monotonic time, in nanoseconds from an arbitrary origin: what rate limits, strike windows, heartbeat silence and
 * other durations are measured with. {@link #SYSTEM} in production (produced by {@link Clocks}); a test passes one it
 * moves forward instead of waiting.
 */
@FunctionalInterface
public interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
