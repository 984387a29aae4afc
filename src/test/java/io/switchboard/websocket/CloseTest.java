package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseTest {

    @Test
    void aLongReasonIsCutToWhatACloseFrameCarries() {
        String reason = Close.CLOSED_BY_ADMIN
                .reason("closed by an administrator: " + "x".repeat(100))
                .getReasonPhrase();
        assertEquals(123, reason.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("closed by an administrator: " + "x".repeat(95), reason);
    }

    @Test
    void aReasonIsCutBetweenCharactersNeverInsideAnEmoji() {
        String reason = Close.truncate("closed by an administrator: " + "\uD83D\uDE00".repeat(50));
        // 28 bytes of prefix + 23 emoji of 4 bytes = 120 bytes; half of the 24th would read as '?'
        assertEquals("closed by an administrator: " + "\uD83D\uDE00".repeat(23), reason);
        assertEquals(reason, new String(reason.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
