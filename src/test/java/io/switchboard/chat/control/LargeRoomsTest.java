package io.switchboard.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.broker.Publication;
import io.switchboard.config.MovableClock;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.presence.control.InMemoryPresence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence announcements by room size (threshold 5, pages of 3, one occupancy frame per second), on a clock the test
 * moves and a broker that keeps what it is given.
 */
class LargeRoomsTest {

    private final MovableClock clock = new MovableClock();
    private final List<String> published = new ArrayList<>();
    private final LargeRooms rooms = new LargeRooms();
    private InMemoryPresence presence;

    @BeforeEach
    void setUp() {
        System.setProperty("switchboard.presence.large-room", "5");
        System.setProperty("switchboard.presence.page-size", "3");
        rooms.config = new SwitchboardConfig();
        rooms.ticker = clock;
        rooms.broker = (Publication p) -> published.add(p.payload());
        presence = new InMemoryPresence(Duration.ofMinutes(1), clock);
        rooms.presence = presence;
        rooms.init();
    }

    @AfterEach
    void clear() {
        System.clearProperty("switchboard.presence.large-room");
        System.clearProperty("switchboard.presence.page-size");
    }

    private void enter(String user) {
        if (presence.enter("r", user, "c-" + user)) {
            rooms.arrived("r", user);
        }
    }

    private void leave(String user) {
        if (presence.leave("r", user, "c-" + user)) {
            rooms.departed("r", user);
        }
    }

    @Test
    void upToTheThresholdEachChangeIsAPresenceFrameAboveItOneOccupancyFramePerSecond() {
        for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
            enter(user);
        }
        assertEquals(5, published.size(), "a room of 5 is not large: one presence frame per arrival");
        assertEquals("{\"type\":\"presence\",\"event\":\"joined\",\"room\":\"r\",\"user\":\"u5\"}", published.get(4));
        published.clear();

        enter("u6");
        enter("u7");
        leave("u1");
        assertEquals(List.of(), published, "a room of 6 is large: nothing per change");
        rooms.flush();
        assertEquals(
                List.of("{\"type\":\"occupancy\",\"count\":6,\"joined\":[\"u6\",\"u7\"],\"left\":[\"u1\"],"
                        + "\"room\":\"r\",\"truncated\":false}"),
                published);
        published.clear();

        leave("u2");
        rooms.flush();
        assertEquals(List.of(), published, "within the second after the last frame");
        clock.advance(Duration.ofSeconds(1));
        rooms.flush();
        assertEquals(
                List.of("{\"type\":\"occupancy\",\"count\":5,\"joined\":[],\"left\":[\"u2\"],"
                        + "\"room\":\"r\",\"truncated\":false}"),
                published,
                "u2 left a room of 6: batched, with the new count");
        published.clear();

        leave("u3");
        assertEquals(
                List.of("{\"type\":\"presence\",\"event\":\"left\",\"room\":\"r\",\"user\":\"u3\"}"),
                published,
                "a room of 5 is small again");
    }

    @Test
    void aSmallRoomsMemberListIsCompleteALargeOnesIsPagedWithACursor() {
        for (String user : List.of("a", "b", "c", "d", "e")) {
            enter(user);
        }
        ChatEvent.Members small = rooms.firstPage("r");
        assertEquals(List.of("a", "b", "c", "d", "e"), small.members());
        assertNull(small.next());
        enter("f");
        ChatEvent.Members first = rooms.firstPage("r");
        assertEquals(new ChatEvent.Members("r", List.of("a", "b", "c"), 6, "c"), first);
        assertEquals(new ChatEvent.Members("r", List.of("d", "e", "f"), 6, null), rooms.page("r", "c", 3));
        assertEquals(new ChatEvent.Members("r", List.of("b", "c"), 6, "c"), rooms.page("r", "a", 2));
    }
}
