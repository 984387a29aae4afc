package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.config.MovableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the heartbeat decides by: how long a client has been silent, and the round trip of its pings. */
class LivenessTest {

    private final MovableClock clock = new MovableClock();
    private final Liveness liveness = new Liveness(clock);

    @Test
    void silenceGrowsWithTimeAndEndsWhenTheClientIsHeard() {
        clock.advance(Duration.ofSeconds(20));
        assertEquals(Duration.ofSeconds(20), liveness.silence());
        liveness.heard();
        assertEquals(Duration.ZERO, liveness.silence());
    }

    @Test
    void aPingRestartsTheIntervalButNotTheSilence() {
        clock.advance(Duration.ofSeconds(25));
        liveness.pinged();
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(5), liveness.sinceHeardOrPinged(), "pinged 5 s ago: no second ping yet");
        assertEquals(Duration.ofSeconds(30), liveness.silence(), "a ping is not an answer");
    }

    @Test
    void aPongEndsTheSilenceAndMeasuresTheRoundTripOfThePingOnce() {
        liveness.pinged();
        clock.advance(Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(40).toNanos(), liveness.ponged());
        assertEquals(Duration.ZERO, liveness.silence());
        assertEquals(-1, liveness.ponged(), "an unsolicited pong has no round trip");
    }
}
