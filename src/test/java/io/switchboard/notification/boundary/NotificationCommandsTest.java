package io.switchboard.notification.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.notification.control.Inbox;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.TestConnections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationCommandsTest {

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Connection bob = TestConnections.of("bob", "c1", sent, loop);

    /** An inbox in which everything is read already: marking read changes nothing. */
    private final Inbox allRead = new Inbox() {
        @Override
        public boolean markRead(String userId, long seq) {
            return false;
        }

        @Override
        public boolean markAllRead(String userId) {
            return false;
        }

        @Override
        public long unread(String userId) {
            return 0;
        }
    };

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    @Test
    void everyCommandTypeHasAHandler() {
        assertEquals(
                Set.of(NotificationCommand.class.getPermittedSubclasses()),
                NotificationCommands.HANDLERS.types(),
                "a command type without a handler would be decoded and then ignored");
    }

    @Test
    void readOfAnAlreadyReadNotificationIsStillAnswered() throws Exception {
        NotificationCommands.HANDLERS.dispatch(allRead, bob, new NotificationCommand.Read(4L));
        assertEquals(
                List.of("{\"type\":\"read\",\"all\":false,\"seq\":4}", "{\"type\":\"unread\",\"count\":0}"), frames());
    }

    @Test
    void readAllWithNothingUnreadIsStillAnswered() throws Exception {
        NotificationCommands.HANDLERS.dispatch(allRead, bob, new NotificationCommand.ReadAll("r1"));
        assertEquals(List.of("{\"type\":\"read\",\"all\":true}", "{\"type\":\"unread\",\"count\":0}"), frames());
    }

    private List<String> frames() throws Exception {
        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
        return List.copyOf(sent);
    }
}
