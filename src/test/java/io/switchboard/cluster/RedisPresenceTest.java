package io.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.presence.control.Presence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Presence of two nodes on one private redis-server: one list, each arrival and departure decided once. */
class RedisPresenceTest {

    private static final Duration LEASE = Duration.ofMillis(600);
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static PrivateRedis redis;

    private RedisNode nodeA;
    private RedisNode nodeB;
    private RedisPresence a;
    private RedisPresence b;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = PrivateRedis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void twoNodes() {
        String prefix = "presence" + RUNS.incrementAndGet() + ":";
        nodeA = connected("node-a", prefix);
        nodeB = connected("node-b", prefix);
        a = new RedisPresence(nodeA, prefix, LEASE, Duration.ofMinutes(1));
        b = new RedisPresence(nodeB, prefix, LEASE, Duration.ofMinutes(1));
    }

    private static RedisNode connected(String id, String prefix) {
        RedisNode node = new RedisNode(redis.uri(), Thread::new, id, prefix, Duration.ofSeconds(1));
        assertTrue(node.connect(new io.lettuce.core.pubsub.RedisPubSubAdapter<>(), prefix + "bus"));
        return node;
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void aUserOnBothNodesArrivesOnceAndLeavesWithTheLastConnection() {
        assertTrue(a.enter("lobby", "alice", "a1"), "alice arrives");
        assertTrue(b.enter("lobby", "bob", "b1"), "bob arrives");
        assertFalse(b.enter("lobby", "alice", "b2"), "alice's second connection, on the other node: no arrival");
        assertEquals(List.of("alice", "bob"), a.members("lobby"));
        assertEquals(List.of("alice", "bob"), b.members("lobby"));
        assertEquals(Map.of("lobby", 2), a.occupancy());
        assertFalse(a.leave("lobby", "alice", "a1"), "alice is still there on node B");
        assertTrue(b.leave("lobby", "alice", "b2"), "her last connection left");
        assertFalse(b.leave("lobby", "alice", "b2"), "leaving twice is one departure");
        assertEquals(List.of("bob"), a.members("lobby"));
    }

    @Test
    void theUsersOfANodeWhoseLeaseLapsedLeaveOnceAndOnlyThose() {
        a.enter("lobby", "alice", "a1");
        b.enter("lobby", "bob", "b1");
        b.enter("kitchen", "bob", "b1");
        b.enter("lobby", "carol", "b2");
        a.enter("lobby", "carol", "a2"); // carol moved to A before B died: she stays
        a.renew(List.of("a1", "a2"));
        b.renew(List.of("b1", "b2"));
        nodeB.close(); // B dies: no leave, no renewal
        List<Presence.Departure> departures = new ArrayList<>();
        await("B's lease lapses and A sweeps it")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    a.renew(List.of("a1", "a2"));
                    departures.addAll(a.expire());
                    return !departures.isEmpty();
                });
        assertEquals(
                List.of(new Presence.Departure("kitchen", "bob"), new Presence.Departure("lobby", "bob")),
                departures.stream()
                        .sorted(java.util.Comparator.comparing(Presence.Departure::room))
                        .toList());
        assertEquals(List.of(), a.expire(), "announced once");
        assertEquals(List.of("alice", "carol"), a.members("lobby"));
        assertEquals(Map.of("lobby", 2), a.occupancy());
        assertEquals(List.of("alice", "carol"), a.page("lobby", null, 10), "the swept users are out of the pages");
        assertEquals(0, a.count("kitchen"));
    }

    @Test
    void aLargeRoomOverBothNodesIsCountedAndPagedInNameOrderWithEveryoneOnce() {
        List<String> everyone = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String user = String.format("u%02d", i);
            everyone.add(user);
            (i % 2 == 0 ? a : b).enter("big", user, "c" + i);
        }
        b.enter("big", "u04", "second-tab");
        assertEquals(30, a.count("big"));
        assertEquals(30, b.count("big"));
        List<String> seen = new ArrayList<>();
        List<String> page = a.page("big", null, 7);
        while (!page.isEmpty()) {
            seen.addAll(page);
            page = (seen.size() % 2 == 0 ? a : b).page("big", page.get(page.size() - 1), 7);
        }
        assertEquals(everyone, seen);
        assertEquals(List.of("u10", "u11"), b.page("big", "u09x", 2), "a cursor need not be a member");
        a.leave("big", "u00", "c0");
        b.leave("big", "u04", "second-tab");
        assertEquals(List.of("u01", "u02", "u03", "u04"), b.page("big", null, 4), "u04 is still there on node A");
        assertEquals(29, b.count("big"));
    }

    @Test
    void aNodeWhoseEntriesWereDroppedEntersItsUsersAgain() {
        a.enter("lobby", "alice", "a1");
        nodeB.call(redis -> redis.flushall());
        assertEquals(List.of(), b.members("lobby"));
        assertTrue(a.enter("kitchen", "alice", "a1"), "an entry made after Redis forgot the others");
        a.renew(List.of("a1"));
        assertEquals(List.of(new Presence.Arrival("lobby", "alice")), a.reinstated());
        assertEquals(List.of("alice"), b.members("lobby"));
        assertEquals(List.of(), a.reinstated());
    }
}
