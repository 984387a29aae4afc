package io.switchboard.notification.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationCommandsTest {

    @Test
    void everyCommandTypeHasAHandler() {
        assertEquals(
                Set.of(NotificationCommand.class.getPermittedSubclasses()),
                NotificationCommands.HANDLERS.types(),
                "a command type without a handler would be decoded and then ignored");
    }
}
