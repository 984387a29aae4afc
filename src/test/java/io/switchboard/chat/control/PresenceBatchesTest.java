package io.switchboard.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.MovableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batching of a large room's presence changes, on a clock the test moves: one batch per room per second. */
class PresenceBatchesTest {

    private final MovableClock clock = new MovableClock();
    private final PresenceBatches batches = new PresenceBatches(Duration.ofSeconds(1), 3, clock);

    @Test
    void aRoomsFirstChangesGoOutAtOnceAndLaterOnesAtMostOncePerInterval() {
        batches.arrived("big", "ann");
        assertEquals(
                List.of(new PresenceBatches.Batch("big", List.of("ann"), List.of(), false)),
                batches.due(),
                "nothing sent lately: the first batch is due at once");
        batches.arrived("big", "bob");
        batches.departed("big", "cid");
        assertEquals(List.of(), batches.due(), "the previous batch went out less than a second ago");
        clock.advance(Duration.ofMillis(999));
        assertEquals(List.of(), batches.due());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(new PresenceBatches.Batch("big", List.of("bob"), List.of("cid"), false)), batches.due());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), batches.due(), "no changes, no batch");
    }

    @Test
    void tenThousandArrivalsWithinASecondAreOneBatchThatNamesNoOne() {
        batches.arrived("big", "first");
        batches.due();
        for (int i = 0; i < 10_000; i++) {
            batches.arrived("big", "u" + i);
        }
        clock.advance(Duration.ofSeconds(1));
        List<PresenceBatches.Batch> due = batches.due();
        assertEquals(1, due.size(), "one frame for the room, not one per arrival");
        assertEquals(List.of(), due.get(0).joined(), "more than the cap of 3 changed: the count is what matters");
        assertTrue(due.get(0).truncated(), "members know their list is no longer complete");
        for (String user : List.of("v1", "v2", "v3")) {
            batches.arrived("big", user);
        }
        clock.advance(Duration.ofSeconds(1));
        assertEquals(
                List.of(new PresenceBatches.Batch("big", List.of("v1", "v2", "v3"), List.of(), false)),
                batches.due(),
                "up to the cap, everyone is named");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), batches.due(), "nothing is carried over");
    }

    @Test
    void aUserWhoComesAndGoesWithinOneBatchIsNotNamedAndRoomsAreBatchedApart() {
        batches.arrived("a", "x");
        batches.arrived("b", "y");
        batches.due();
        clock.advance(Duration.ofMillis(500));
        batches.arrived("a", "tab-flicker");
        batches.departed("a", "tab-flicker");
        batches.departed("a", "x");
        batches.arrived("a", "x");
        batches.departed("b", "y");
        clock.advance(Duration.ofMillis(500));
        assertEquals(List.of(new PresenceBatches.Batch("b", List.of(), List.of("y"), false)), batches.due());
    }
}
