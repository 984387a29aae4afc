package io.switchboard.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.broker.Publication;
import io.switchboard.broker.Topic;
import io.switchboard.config.Ticker;
import io.switchboard.security.control.Credential;
import io.switchboard.security.control.TicketStore;
import io.switchboard.websocket.InMemoryUserLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis side of cluster mode, with two nodes in one JVM on a private redis-server: the bus between them, the
 * state they share, and what happens when Redis dies and comes back.
 */
class RedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static PrivateRedis redis;

    /** One node: its Redis connections, its bus, and what the bus delivered to it. */
    private static final class Node implements AutoCloseable {
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final BlockingQueue<Publication> delivered = new LinkedBlockingQueue<>();
        final BlockingQueue<String> repairs = new LinkedBlockingQueue<>();
        final RedisNode redisNode;
        final RedisBus bus;

        Node(String id, String prefix) {
            ThreadFactory factory = task -> {
                Thread thread = new Thread(task);
                threads.add(thread);
                return thread;
            };
            redisNode = new RedisNode(redis.uri(), factory, id, prefix, Duration.ofSeconds(1));
            bus = new RedisBus(
                    redisNode,
                    delivered::add,
                    repairs::add,
                    Duration.ofMillis(100),
                    Duration.ofMillis(600),
                    Duration.ofMinutes(10),
                    factory);
            bus.start();
        }

        @Override
        public void close() {
            bus.close();
            redisNode.close();
        }
    }

    private Node a;
    private Node b;

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
        String prefix = "test" + RUNS.incrementAndGet() + ":";
        a = new Node("node-a", prefix);
        b = new Node("node-b", prefix);
        await("both buses healthy").atMost(WAIT).until(() -> a.bus.healthy() && b.bus.healthy());
    }

    @AfterEach
    void closeNodes() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static Publication take(BlockingQueue<Publication> queue) throws InterruptedException {
        Publication p = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no publication arrived within " + WAIT);
        }
        return p;
    }

    @Test
    void everyKindOfPublicationReachesTheOtherNodeOnceWithItsTopicAndFrame() throws Exception {
        List<Publication> sent = List.of(
                Publication.toRoom("room 1/é", "{\"type\":\"message\",\"text\":\"line\\nbreak\"}"),
                Publication.toRoom("room-1", "{\"type\":\"typing\"}").except("alice smith"),
                new Publication(new Topic.RoomMessage("room 1/é", 7), "{\"type\":\"message\",\"seq\":7}"),
                Publication.toUser("bob", "{\"type\":\"direct\"}"),
                new Publication(new Topic.Everyone(), "{\"type\":\"announcement\"}"),
                new Publication(new Topic.Inbox("carol", 42), "{\"type\":\"notification\",\"seq\":42}"),
                new Publication(new Topic.Inbox("carol", 0), "{\"type\":\"unread\",\"count\":3}"),
                new Publication(new Topic.Revoked("mallory"), "1764748800000"),
                new Publication(new Topic.Stream("Zx-_9a"), "[{\"type\":\"join\"},\n{\"type\":\"leave\"}]"),
                Publication.toUser("~ odd\nuser", ""));
        sent.forEach(a.bus::publish);
        for (Publication expected : sent) {
            assertEquals(expected, take(b.delivered));
        }
        // B's marker reaches A after A's own publications (one channel, in order): A skipped its own
        b.bus.publish(Publication.toRoom("marker", "{}"));
        assertEquals(Publication.toRoom("marker", "{}"), take(a.delivered));
        assertTrue(a.delivered.isEmpty(), "a node delivers its own publication only once, itself: " + a.delivered);
        assertTrue(b.delivered.isEmpty(), "one bus message per publication: " + b.delivered);
    }

    @Test
    void deliveryResumesByItselfAfterRedisIsKilledAndRestarted() throws Exception {
        redis.kill();
        await("bus reported broken").atMost(WAIT).until(() -> !a.bus.healthy() && !b.bus.healthy());
        a.bus.publish(Publication.toRoom("lost", "{}")); // Redis is down: dropped, not queued
        redis.startAgain();
        await("bus healthy again").atMost(WAIT).until(() -> a.bus.healthy() && b.bus.healthy());
        assertEquals("bus resumed", b.repairs.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "receivers told to repair");
        assertTrue(
                a.redisNode.call(r -> r.clientList()).contains("name=switchboard-node-b-sub"),
                "the reconnected subscriber still carries its name (for CLIENT KILL)");
        a.bus.publish(Publication.toRoom("after", "{\"n\":1}"));
        assertEquals(Publication.toRoom("after", "{\"n\":1}"), take(b.delivered));
        b.bus.publish(Publication.toUser("alice", "{\"n\":2}"));
        assertEquals(Publication.toUser("alice", "{\"n\":2}"), take(a.delivered));
    }

    @Test
    void aTicketIssuedOnOneNodeIsRedeemedOnceOnAnyNode() {
        RedisTicketStore onA = new RedisTicketStore(a.redisNode);
        RedisTicketStore onB = new RedisTicketStore(b.redisNode);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Credential alice = new Credential("alice", Set.of("user", "admin"), now.minusSeconds(5), now.plusSeconds(3600));
        Credential container = new Credential("bob", Set.of(), now, null);
        onA.put("t1", new TicketStore.Pending(alice, now.plusSeconds(30)), now);
        onA.put("t2", new TicketStore.Pending(container, now.plusSeconds(30)), now);

        assertEquals(new TicketStore.Pending(alice, now.plusSeconds(30)), onB.take("t1"));
        assertNull(onA.take("t1"), "a second redeem anywhere is refused");
        assertNull(onB.take("t1"));
        assertEquals(new TicketStore.Pending(container, now.plusSeconds(30)), onB.take("t2"));
        assertNull(onB.take("unknown"));
    }

    @Test
    void aRevocationOnOneNodeReachesTheOtherOnTheBusAndInRedis() throws Exception {
        RedisRevocationMirror onA = new RedisRevocationMirror(a.redisNode, Clock.systemUTC(), Duration.ofHours(1));
        RedisRevocationMirror onB = new RedisRevocationMirror(b.redisNode, Clock.systemUTC(), Duration.ofHours(1));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        onA.put("mallory", now);
        onA.put("old", now.minus(Duration.ofHours(2))); // past its time to live: forgotten
        a.bus.publish(new Publication(new Topic.Revoked("mallory"), Long.toString(now.toEpochMilli())));

        assertEquals(
                new Publication(new Topic.Revoked("mallory"), Long.toString(now.toEpochMilli())), take(b.delivered));
        assertEquals(java.util.Map.of("mallory", now), onB.all(), "a node that missed the bus message reads it here");
        onB.put("mallory", now.minusSeconds(10)); // an older one does not replace a newer one
        assertEquals(now, onA.all().get("mallory"));
    }

    @Test
    void anEventStreamOpenedOnOneNodeIsFoundOnTheOtherUntilItClosesOrItsLeaseLapses() {
        RedisStreamDirectory onA = new RedisStreamDirectory(a.redisNode, Duration.ofMillis(400));
        RedisStreamDirectory onB = new RedisStreamDirectory(b.redisNode, Duration.ofMillis(400));
        onA.opened("t1", "alice");
        onA.opened("t2", "bob");
        assertEquals(Optional.of("alice"), onB.owner("t1"));
        assertEquals(Optional.empty(), onB.owner("nope"));

        onA.closed("t1");
        await("a closed stream is found nowhere")
                .atMost(WAIT)
                .until(() -> onB.owner("t1").isEmpty());
        // t2 renewed while its node lives; t3 (its node died) not
        onA.opened("t3", "carol");
        await("t3, not renewed, is gone after its lease")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    onA.renew(List.of("t2"));
                    return onB.owner("t3").isEmpty();
                });
        assertEquals(Optional.of("bob"), onB.owner("t2"), "renewed");
        assertEquals(Optional.empty(), onB.owner("t3"), "not renewed: gone after its lease");
    }

    @Test
    void connectionsPerUserAreCountedOverBothNodes() {
        RedisUserLimits onA = limits(a, 3, 1_000);
        RedisUserLimits onB = limits(b, 3, 1_000);
        assertTrue(onA.tryOpen("alice", "a1", 0));
        assertTrue(onA.tryOpen("alice", "a2", 1));
        assertTrue(onB.tryOpen("alice", "b1", 0));
        assertFalse(onB.tryOpen("alice", "b2", 1), "the fourth connection over both nodes is refused");
        assertTrue(onB.tryOpen("bob", "b3", 0), "another user is not affected");

        onA.closed("alice", "a1", false);
        await("a closed connection no longer counts").atMost(WAIT).until(() -> onB.tryOpen("alice", "b2", 1));
        assertFalse(onA.tryOpen("alice", "a3", 1));
    }

    @Test
    void messagesPerUserAreCountedOverBothNodes() {
        RedisUserLimits onA = limits(a, 100, 10);
        RedisUserLimits onB = limits(b, 100, 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(onA.tryMessage("alice"), "message " + i + " is within the limit");
        }
        // B's own count of alice is 0; the cluster's is at the limit, so B soon drops her messages
        await("B drops alice's messages").atMost(WAIT).until(() -> !onB.tryMessage("alice"));
        assertTrue(onB.tryMessage("bob"), "another user is not affected");
    }

    private static RedisUserLimits limits(Node node, int connections, int messagesPerMinute) {
        return new RedisUserLimits(
                node.redisNode,
                new InMemoryUserLimits(connections, 1_000, Ticker.SYSTEM),
                connections,
                messagesPerMinute,
                Duration.ofMinutes(1),
                Duration.ofMinutes(1));
    }

    @Test
    void closingANodeStopsEveryThreadItStarted() {
        Node c = new Node("node-c", "threads:");
        await().atMost(WAIT).until(c.bus::healthy);
        List<Thread> started = new ArrayList<>(c.threads);
        assertFalse(started.isEmpty());
        c.close();
        await("every Redis and bus thread ended")
                .atMost(WAIT)
                .untilAsserted(() -> assertEquals(
                        List.of(),
                        c.threads.stream()
                                .filter(Thread::isAlive)
                                .map(Thread::getName)
                                .toList()));
        assertTrue(
                Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("switchboard-redis-")
                                && t.getName().contains("node-c")),
                "no lingering thread");
    }
}
