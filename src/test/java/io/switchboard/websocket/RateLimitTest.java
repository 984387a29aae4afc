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

    @Test
    void bucketsOfOneSharedRateDrainIndependently() {
        RateLimit.Rate rate = new RateLimit.Rate(5, clock);
        RateLimit busy = new RateLimit(rate);
        RateLimit quiet = new RateLimit(rate);
        for (int i = 0; i < 10; i++) {
            assertTrue(busy.tryAcquire(), "message " + i + " of the burst");
        }
        assertFalse(busy.tryAcquire(), "the busy bucket is empty");
        assertFalse(busy.full());
        assertTrue(quiet.full(), "the other bucket is untouched");
        assertTrue(quiet.tryAcquire());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(busy.full(), "2 s refill 10 tokens at 5 a second");
    }

    @Test
    void aRateOfZeroLetsOneMessageThrough() {
        RateLimit limit = new RateLimit(0, clock);
        assertTrue(limit.tryAcquire(), "a bucket of one token");
        clock.advance(Duration.ofHours(1));
        assertFalse(limit.tryAcquire(), "that never refills");
    }
}
