package io.switchboard.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.websocket.OutboundFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBytesTest {

    private static String events(boolean numbered, String... frames) {
        List<OutboundFrame> list =
                java.util.Arrays.stream(frames).map(OutboundFrame::new).toList();
        return new String(EventBytes.of(list, numbered), StandardCharsets.UTF_8);
    }

    @Test
    void eachFrameIsOneDataEventEndedByABlankLine() {
        assertEquals(
                "data: {\"type\":\"message\",\"text\":\"héllo\"}\n\ndata: {\"type\":\"ack\"}\n\n",
                events(false, "{\"type\":\"message\",\"text\":\"héllo\"}", "{\"type\":\"ack\"}"));
    }

    @Test
    void aNotificationOnANumberedStreamCarriesItsSeqAsTheEventId() {
        assertEquals(
                "id: 42\ndata: {\"type\":\"notification\",\"seq\":42}\n\ndata: {\"type\":\"unread\",\"count\":1}\n\n",
                events(true, "{\"type\":\"notification\",\"seq\":42}", "{\"type\":\"unread\",\"count\":1}"));
        assertEquals(
                "data: {\"type\":\"notification\",\"seq\":42}\n\n",
                events(false, "{\"type\":\"notification\",\"seq\":42}"));
    }

    @Test
    void aFrameIsEncodedOnceForAllItsStreamsNumberedOrNot() {
        OutboundFrame frame = new OutboundFrame("{\"type\":\"notification\",\"seq\":7}");
        assertEquals(
                "data: {\"type\":\"notification\",\"seq\":7}\n\n",
                new String(EventBytes.of(List.of(frame), false), StandardCharsets.UTF_8));
        assertEquals(
                "id: 7\ndata: {\"type\":\"notification\",\"seq\":7}\n\n",
                new String(EventBytes.of(List.of(frame), true), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertSame(
                EventBytes.of(List.of(frame), false), EventBytes.of(List.of(frame), false), "shared, not re-encoded");
    }

    @Test
    void aLineBreakInTheTextStartsAnotherDataLine() {
        assertEquals("data: {\"a\":\ndata: 1}\n\n", events(false, "{\"a\":\n1}"));
    }
}
