package io.switchboard.presence.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.MovableClock;
import io.switchboard.config.SwitchboardConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence of one node, on a clock the test moves: leases last twice the heartbeat timeout. */
class InMemoryPresenceTest {

    private final MovableClock clock = new MovableClock();
    private InMemoryPresence presence;

    private void withTimeoutSeconds(int seconds) {
        System.setProperty("switchboard.heartbeat.timeout", String.valueOf(seconds));
        presence = new InMemoryPresence(InMemoryPresence.ttl(new SwitchboardConfig()), clock);
    }

    @AfterEach
    void clear() {
        System.clearProperty("switchboard.heartbeat.timeout");
    }

    @Test
    void aUserWithTwoConnectionsIsPresentOnceAndLeavesWithTheLast() {
        withTimeoutSeconds(60);
        assertTrue(presence.enter("lobby", "bob", "c1"), "first connection: bob arrives");
        assertFalse(presence.enter("lobby", "bob", "c2"), "second tab: no new arrival");
        assertTrue(presence.enter("lobby", "alice", "c3"));
        assertEquals(List.of("alice", "bob"), presence.members("lobby"));
        assertFalse(presence.leave("lobby", "bob", "c1"), "bob still has a tab");
        assertTrue(presence.leave("lobby", "bob", "c2"), "last tab closed: bob leaves");
        assertEquals(List.of("alice"), presence.members("lobby"));
        assertEquals(Map.of("lobby", 1), presence.occupancy());
    }

    @Test
    void leavingTwiceOrARoomNeverEnteredChangesNothing() {
        withTimeoutSeconds(60);
        presence.enter("lobby", "bob", "c1");
        assertTrue(presence.leave("lobby", "bob", "c1"));
        assertFalse(presence.leave("lobby", "bob", "c1"));
        assertFalse(presence.leave("elsewhere", "bob", "c1"));
        assertEquals(Map.of(), presence.occupancy());
    }

    @Test
    void leasesThatAreNotRenewedLapseAndTheUserDeparts() {
        withTimeoutSeconds(60); // leases last 120 s
        presence.enter("lobby", "ghost", "c1");
        presence.enter("lobby", "alice", "c2");
        clock.advance(Duration.ofSeconds(119));
        assertEquals(List.of(), presence.expire(), "the leases still run");
        clock.advance(Duration.ofSeconds(2));
        List<Presence.Departure> departed = presence.expire();
        assertEquals(2, departed.size());
        assertTrue(departed.contains(new Presence.Departure("lobby", "ghost")));
        assertEquals(List.of(), presence.members("lobby"));
    }

    @Test
    void renewedLeasesSurviveExpiry() {
        withTimeoutSeconds(60);
        presence.enter("lobby", "alice", "c1");
        presence.enter("lobby", "ghost", "c2");
        clock.advance(Duration.ofSeconds(100));
        presence.renew(List.of("c1"));
        clock.advance(Duration.ofSeconds(100));
        assertEquals(List.of(new Presence.Departure("lobby", "ghost")), presence.expire(), "only c2 lapsed");
        assertEquals(List.of("alice"), presence.members("lobby"));
    }

    @Test
    void aUserStaysWhileOneOfTheirConnectionsIsRenewedAndDepartsWhenItLapsesToo() {
        withTimeoutSeconds(60);
        presence.enter("lobby", "bob", "c1");
        presence.enter("lobby", "bob", "c2");
        clock.advance(Duration.ofSeconds(100));
        presence.renew(List.of("c2"));
        clock.advance(Duration.ofSeconds(100));
        assertEquals(List.of(), presence.expire(), "c1 lapsed, c2 still runs");
        assertEquals(List.of("bob"), presence.members("lobby"));
        assertFalse(presence.leave("lobby", "bob", "c1"), "c1's lease is gone already");
        clock.advance(Duration.ofSeconds(100));
        assertEquals(List.of(new Presence.Departure("lobby", "bob")), presence.expire());
        assertEquals(0, presence.count("lobby"));
    }

    @Test
    void aLargeRoomIsCountedAndPagedInNameOrderWithEveryoneExactlyOnce() {
        withTimeoutSeconds(60);
        for (int i = 0; i < 250; i++) {
            presence.enter("big", String.format("u%03d", i), "c" + i);
        }
        presence.enter("big", "u007", "second-tab");
        assertEquals(250, presence.count("big"));
        assertEquals(0, presence.count("empty"));
        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        for (List<String> page = presence.page("big", null, 100);
                !page.isEmpty();
                page = presence.page("big", after, 100)) {
            seen.addAll(page);
            after = page.get(page.size() - 1);
        }
        assertEquals(presence.members("big"), seen, "pages in name order, no one twice, no one missing");
        assertEquals(List.of("u001", "u002"), presence.page("big", "u000", 2));
        assertEquals(List.of("u100"), presence.page("big", "u099x", 1), "a cursor need not be a member");
        presence.leave("big", "u000", "c0");
        clock.advance(Duration.ofSeconds(121));
        presence.renew(List.of("c1"));
        presence.expire();
        assertEquals(1, presence.count("big"), "the count follows departures and lapsed leases");
        assertEquals(Map.of("big", 1), presence.occupancy());
    }
}
