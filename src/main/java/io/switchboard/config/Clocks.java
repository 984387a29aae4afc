package io.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/**
 * The one {@link Clock} of the application: everything that stores a time or decides by one (tickets, tokens,
 * revocations, credential expiry, notification expiry and purge, message timestamps) reads it, so tests can move
 * time instead of waiting for it (an alternative producer, or a fixed clock in a unit test). Durations (rate limits,
 * strike windows, heartbeat silence and lease rounds) are measured with the one {@link Ticker}.
 */
@ApplicationScoped
public class Clocks {

    @Produces
    @Dependent
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Dependent
    Ticker ticker() {
        return Ticker.SYSTEM;
    }
}
