package io.switchboard.notification.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NotificationStreamResourceTest {

    @Test
    void theLastEventIdOrSinceIsASequenceNumber() {
        assertEquals(0, NotificationStreamResource.sequence(null));
        assertEquals(0, NotificationStreamResource.sequence(" "));
        assertEquals(41, NotificationStreamResource.sequence("41"));
        for (String bad : new String[] {"-1", "-7", "x", "4.5"}) {
            assertEquals(-1, NotificationStreamResource.sequence(bad), bad); // answered with 400
        }
    }
}
