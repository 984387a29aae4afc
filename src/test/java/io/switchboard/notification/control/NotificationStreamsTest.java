package io.switchboard.notification.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.broker.Publication;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.broker.Topic;
import io.switchboard.config.MovableClock;
import io.switchboard.notification.entity.InboxEntry;
import io.switchboard.notification.entity.Notification;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.TestConnections;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Notification streams repair what the bus lost: a gap at the next notification, a lost last one at a repair. */
class NotificationStreamsTest {

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final MovableClock clock = new MovableClock();
    private final List<InboxEntry> stored = new CopyOnWriteArrayList<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Connection bob = TestConnections.of("bob", "c1", sent, loop);
    private final NotificationStreams streams = new NotificationStreams();

    NotificationStreamsTest() {
        streams.clock = clock;
        streams.inbox = new Inbox() {
            @Override
            public long lastSeq(String userId) {
                return stored.size();
            }

            @Override
            public Map<String, Long> lastSeqs(Collection<String> userIds) {
                return Map.of("bob", (long) stored.size());
            }

            @Override
            public List<InboxEntry> between(String userId, long after, long before, int limit, Instant now) {
                return stored.stream()
                        .filter(e -> e.getSeq() > after && e.getSeq() < before)
                        .limit(limit)
                        .toList();
            }

            @Override
            public long unread(String userId, Instant now) {
                return stored.size();
            }
        };
        streams.metrics = new Metrics() {
            @Override
            public Meters meters() {
                return Meters.none();
            }
        };
        streams.knownUsers = new NotificationUsers() {
            @Override
            public void ensure(Collection<String> users) {}
        };
        streams.connections = new Connections() {
            @Override
            public Collection<Connection> ofUser(String userId) {
                return "bob".equals(userId) ? List.of(bob) : List.of();
            }
        };
    }

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    /** Stores notification {@code seq} of bob and returns its publication (what the bus would carry). */
    private Publication store(long seq) throws ReflectiveOperationException {
        Notification n = new Notification("bob", "n" + seq, "body", null, null, null, clock.instant(), null, null);
        java.lang.reflect.Field id = Notification.class.getDeclaredField("id"); // given by JPA when stored
        id.setAccessible(true);
        id.set(n, seq);
        stored.add(new InboxEntry("bob", seq, n));
        return new Publication(
                new Topic.Inbox("bob", seq),
                io.switchboard.protocol.Json.write(NotificationStreams.view(n, seq, false)));
    }

    private List<String> titlesSent() throws Exception {
        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
        return sent.stream()
                .filter(f -> f.contains("\"type\":\"notification\""))
                .map(f -> f.replaceAll(".*\"title\":\"([^\"]*)\".*", "$1"))
                .toList();
    }

    @Test
    void aLostLastNotificationIsSentAtTheNextRepair() throws Exception {
        streams.open(bob, 0);
        streams.deliver(store(1));
        store(2); // its publication was lost on the bus, and no other follows
        assertEquals(List.of("n1"), titlesSent());

        streams.catchUp(new PublicationsMayBeMissed("bus resumed"));
        assertEquals(List.of("n1", "n2"), titlesSent());
        String last = sent.get(sent.size() - 1);
        assertTrue(last.contains("unread") && last.contains("\"count\":2"), "then the unread count: " + last);

        streams.catchUp(new PublicationsMayBeMissed("periodic check"));
        streams.deliver(store(3));
        assertEquals(List.of("n1", "n2", "n3"), titlesSent(), "nothing twice");
    }

    @Test
    void aGapIsFilledFromTheInboxBeforeTheNextNotification() throws Exception {
        streams.open(bob, 0);
        Publication first = store(1);
        store(2); // lost
        Publication third = store(3);
        streams.deliver(third);
        streams.deliver(first); // late: already sent by the repair
        assertEquals(List.of("n1", "n2", "n3"), titlesSent());
    }
}
