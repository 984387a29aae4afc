package io.switchboard.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatCommandsTest {

    @Test
    void everyCommandTypeHasAHandler() {
        assertEquals(
                Set.of(ChatCommand.class.getPermittedSubclasses()),
                ChatCommands.HANDLERS.types(),
                "a command type without a handler would be decoded and then ignored");
    }
}
