package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.MovableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Refused messages count against a connection inside a sliding window, on a clock the test moves. */
class StrikesTest {

    private final MovableClock clock = new MovableClock();
    private final Strikes strikes = new Strikes(3, Duration.ofMinutes(1), clock);

    @Test
    void oneStrikeMoreThanTheMaximumInsideTheWindowIsTooMany() {
        assertFalse(strikes.strike());
        assertFalse(strikes.strike());
        assertFalse(strikes.strike());
        assertTrue(strikes.strike(), "the fourth strike within a minute");
    }

    @Test
    void strikesOlderThanTheWindowNoLongerCount() {
        assertFalse(strikes.strike());
        assertFalse(strikes.strike());
        clock.advance(Duration.ofSeconds(40));
        assertFalse(strikes.strike());
        clock.advance(Duration.ofSeconds(21)); // the first two are now older than a minute
        assertFalse(strikes.strike());
        assertFalse(strikes.strike());
        assertTrue(strikes.strike(), "four within the last minute");
    }
}
