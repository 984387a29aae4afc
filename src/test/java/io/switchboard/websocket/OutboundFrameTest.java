package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.chat.control.ChatEvent;
import io.switchboard.notification.control.NotificationEvent;
import io.switchboard.operations.control.Meters;
import io.switchboard.protocol.ErrorFrame;
import io.switchboard.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboundFrameTest {

    @Test
    void theTypeOfEveryKindOfFrameIsFoundForTheMetrics() {
        assertEquals(
                "message",
                OutboundFrame.typeOf(Json.write(new ChatEvent.Message(1, 1, "r", "a", "hi", Instant.now(), "c"))));
        assertEquals("ack", OutboundFrame.typeOf(Json.write(new ChatEvent.Ack("c", 1, 1L, Instant.now(), false))));
        assertEquals("unread", OutboundFrame.typeOf(Json.write(new NotificationEvent.Unread(3))));
        assertEquals("error", OutboundFrame.typeOf(Json.write(new ErrorFrame("error", "forbidden", "no", null))));
        assertEquals(
                "welcome", OutboundFrame.typeOf(Json.write(new WelcomeFrame("welcome", "id", "alice", 25, 60, 1024))));
        assertNull(OutboundFrame.typeOf("{\"no\":\"type\"}"));
    }

    @Test
    void aFrameKnowsItsTypeIndexAndPayloadBytes() {
        OutboundFrame frame = new OutboundFrame("{\"type\":\"pong\",\"ref\":\"é€😀\"}");
        assertEquals(Meters.frameType("pong"), frame.type());
        assertEquals(frame.text().getBytes(StandardCharsets.UTF_8).length, frame.payloadBytes());
    }

    @Test
    void aTextTypedByAClientCannotPoseAsTheFramesType() {
        String text = Json.write(new ChatEvent.Message(1, 1, "r", "a", "\"type\":\"welcome\"", Instant.now(), null));
        assertEquals("message", OutboundFrame.typeOf(text));
    }
}
