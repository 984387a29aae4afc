package io.switchboard.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The token bucket behind per-connection and per-user message rates. */
class RateLimitTest {

    @Test
    void aBurstOfTwiceTheRateIsAbsorbedThenMessagesAreRefusedUntilTokensRefill() {
        RateLimit limit = new RateLimit(10);
        for (int i = 0; i < 20; i++) {
            assertTrue(limit.tryAcquire(), "message " + i + " of the burst");
        }
        assertFalse(limit.tryAcquire(), "the 21st message at once is over the limit");
        await().atMost(Duration.ofSeconds(2)).until(limit::tryAcquire); // 10 a second: a token within ~100 ms
    }
}
