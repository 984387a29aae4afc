package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.MovableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The token bucket behind per-connection and per-user message rates, on a clock the test moves. */
class RateLimitTest {

    private final MovableClock clock = new MovableClock();

    @Test
    void aBurstOfTwiceTheRateIsAbsorbedThenMessagesAreRefusedUntilTokensRefill() {
        RateLimit limit = new RateLimit(10, clock);
        for (int i = 0; i < 20; i++) {
            assertTrue(limit.tryAcquire(), "message " + i + " of the burst");
        }
        assertFalse(limit.tryAcquire(), "the 21st message at once is over the limit");
        clock.advance(Duration.ofMillis(50));
        assertFalse(limit.tryAcquire(), "10 a second: half a token after 50 ms");
        clock.advance(Duration.ofMillis(50));
        assertTrue(limit.tryAcquire(), "10 a second: a token after 100 ms");
        assertFalse(limit.tryAcquire(), "and only one");
    }

    @Test
    void aQuietClientSavesUpAtMostOneBurst() {
        RateLimit limit = new RateLimit(10, clock);
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 20; i++) {
            assertTrue(limit.tryAcquire(), "message " + i + " of the burst");
        }
        assertFalse(limit.tryAcquire(), "a long pause does not buy more than twice the rate");
    }
}
