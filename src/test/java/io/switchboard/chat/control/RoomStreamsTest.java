package io.switchboard.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.broker.Publication;
import io.switchboard.broker.PublicationsMayBeMissed;
import io.switchboard.broker.Subscriptions;
import io.switchboard.broker.Topic;
import io.switchboard.chat.entity.ChatMessage;
import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.protocol.Json;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.TestConnections;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Room streams send a room's messages to its members on a node once each, in sequence order, whatever the bus did
 * with them: a message the bus dropped is read from the history before the next one, or at the next catch-up when
 * none follows; a late one is not sent twice; a joiner whose history was newer than the stream skips what it has.
 */
class RoomStreamsTest {

    private static final String ROOM = "lobby";

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<ChatMessage> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final List<String> toAlice = new CopyOnWriteArrayList<>();
    private final List<String> toBob = new CopyOnWriteArrayList<>();
    private final Connection alice = TestConnections.of("alice", "c1", toAlice, loop);
    private final Connection bob = TestConnections.of("bob", "c2", toBob, loop);
    private final RoomStreams streams = new RoomStreams();

    RoomStreamsTest() {
        streams.subscriptions = new Subscriptions();
        streams.history = new ChatHistory() {
            @Override
            public List<ChatMessage> between(String room, long after, long before, int limit) {
                requireDatabase();
                return stored.stream()
                        .filter(m -> m.getSeq() > after && m.getSeq() < before)
                        .limit(limit)
                        .toList();
            }

            @Override
            public Map<String, Long> lastSeqs(Collection<String> rooms) {
                requireDatabase();
                return Map.of(ROOM, (long) stored.size());
            }
        };
        streams.metrics = new Metrics() {
            @Override
            public Meters meters() {
                return Meters.none();
            }
        };
        streams.meters();
    }

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    private void requireDatabase() {
        if (databaseDown.get()) {
            throw new IllegalStateException("connection refused");
        }
    }

    /** Stores message {@code seq} of the room and returns its publication (what the bus would carry). */
    private Publication store(long seq) throws ReflectiveOperationException {
        ChatMessage m = new ChatMessage(ROOM, seq, null, "carol", "m" + seq, "text " + seq, Instant.EPOCH);
        Field id = ChatMessage.class.getDeclaredField("id"); // given by JPA when stored
        id.setAccessible(true);
        id.set(m, 1000 + seq);
        stored.add(m);
        return new Publication(new Topic.RoomMessage(ROOM, seq), Json.write(ChatService.view(m)));
    }

    private List<Long> seqsSent(List<String> frames) throws Exception {
        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
        return frames.stream()
                .filter(f -> f.contains("\"type\":\"message\""))
                .map(f -> Long.parseLong(f.replaceAll(".*\"seq\":([0-9]+).*", "$1")))
                .toList();
    }

    @Test
    void aMessageTheBusDroppedIsReadFromTheHistoryBeforeTheNextAndALateOneIsNotSentTwice() throws Exception {
        streams.join(alice, ROOM, sent -> 0);
        Publication first = store(1);
        store(2); // dropped by the bus
        Publication third = store(3);
        streams.deliver(third); // before the first, too: another node's message overtook it
        streams.deliver(first);
        assertEquals(List.of(1L, 2L, 3L), seqsSent(toAlice));
    }

    @Test
    void aDroppedLastMessageIsSentAtTheNextCatchUp() throws Exception {
        streams.join(alice, ROOM, sent -> 0);
        streams.deliver(store(1));
        store(2); // dropped, and no other follows
        assertEquals(List.of(1L), seqsSent(toAlice));
        streams.catchUp(new PublicationsMayBeMissed("bus resumed"));
        assertEquals(List.of(1L, 2L), seqsSent(toAlice));
        streams.catchUp(new PublicationsMayBeMissed("periodic check"));
        streams.deliver(store(3));
        assertEquals(List.of(1L, 2L, 3L), seqsSent(toAlice), "nothing twice");
    }

    @Test
    void aJoinerWhoseHistoryIsNewerThanTheStreamGetsOnlyWhatFollowsIt() throws Exception {
        streams.join(alice, ROOM, sent -> 0);
        Publication first = store(1);
        Publication second = store(2);
        streams.join(bob, ROOM, sent -> 2); // his joined history held 1 and 2, still on their way to this node
        streams.deliver(first);
        streams.deliver(second);
        streams.deliver(store(3));
        assertEquals(List.of(1L, 2L, 3L), seqsSent(toAlice));
        assertEquals(List.of(3L), seqsSent(toBob));
    }

    @Test
    void whileTheHistoryCannotBeReadAGapIsHeldBackAndRepairedInOrderLater() throws Exception {
        streams.join(alice, ROOM, sent -> 0);
        streams.deliver(store(1));
        store(2); // dropped
        databaseDown.set(true);
        streams.deliver(store(3)); // cannot fill the gap: held back rather than sent out of order
        streams.catchUp(new PublicationsMayBeMissed("periodic check")); // fails too, harmlessly
        assertEquals(List.of(1L), seqsSent(toAlice));
        databaseDown.set(false);
        streams.catchUp(new PublicationsMayBeMissed("periodic check"));
        streams.deliver(store(4));
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsSent(toAlice));
    }

    @Test
    void aRoomWithoutMembersHereKeepsNoStream() throws Exception {
        streams.join(alice, ROOM, sent -> 0);
        streams.subscriptions.unsubscribe(new Topic.Room(ROOM), alice);
        streams.deliver(store(1)); // nobody here: the stream goes
        streams.join(bob, ROOM, sent -> 1); // a new one starts where bob's history ended
        streams.deliver(store(2));
        assertEquals(List.of(2L), seqsSent(toBob));
        assertEquals(List.of(), seqsSent(toAlice));
    }

    @Test
    void aJoinerLearnsTheLastNumberTheStreamSentSoThatAHistoryReadBeforeTheLockCanBeChecked() throws Exception {
        List<Long> told = new ArrayList<>();
        streams.join(alice, ROOM, sent -> {
            told.add(sent);
            return 0;
        });
        streams.deliver(store(1));
        streams.deliver(store(2));
        streams.join(bob, ROOM, sent -> {
            told.add(sent);
            return sent; // his history reached what the stream sent
        });
        streams.deliver(store(3));
        assertEquals(List.of(-1L, 2L), told, "a new stream has sent nothing, the next one had sent 1 and 2");
        assertEquals(List.of(3L), seqsSent(toBob));
    }
}
