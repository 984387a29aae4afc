package io.switchboard.it.probe;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Test-only: replaces the application's clock (added to the deployment with {@link ClockProbe}) by the system clock
 * plus an offset that the test moves, so a test of expiry need not wait.
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class TestClock {

    private volatile Duration offset = Duration.ZERO;

    void set(Duration newOffset) {
        offset = newOffset;
    }

    @Produces
    Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return Instant.now().plus(offset);
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
