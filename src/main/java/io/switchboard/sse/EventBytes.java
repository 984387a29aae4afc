package io.switchboard.sse;

import io.switchboard.websocket.OutboundFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames as {@code text/event-stream} events, several in one byte array, as the JAX-RS sinks write them: an
 * {@code id:} line when the frame has an event id, a {@code data:} line per line of the JSON (one: JSON text has no
 * line breaks, but any would be kept), and a blank line. Each frame's event is encoded once, for all its receivers.
 */
final class EventBytes {

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private EventBytes() {}

    /**
     * The events of {@code frames}, in order; {@code numbered}: notification frames carry their seq as the id. A single
     * event without an id is the frame's own bytes, shared with its other receivers: the result is never to be changed.
     */
    static byte[] of(List<OutboundFrame> frames, boolean numbered) {
        int length = 0;
        byte[][] data = new byte[frames.size()][];
        byte[][] ids = numbered ? new byte[frames.size()][] : null;
        for (int i = 0; i < frames.size(); i++) {
            data[i] = frames.get(i).event(EventBytes::dataLines);
            length += data[i].length;
            if (ids != null) {
                String id = SseSession.eventId(frames.get(i).text());
                if (id != null) {
                    ids[i] = id.getBytes(StandardCharsets.US_ASCII);
                    length += ID.length + ids[i].length + 1;
                }
            }
        }
        if (data.length == 1 && (ids == null || ids[0] == null)) {
            return data[0];
        }
        byte[] events = new byte[length];
        int at = 0;
        for (int i = 0; i < data.length; i++) {
            if (ids != null && ids[i] != null) {
                at = put(events, at, ID, 0, ID.length);
                at = put(events, at, ids[i], 0, ids[i].length);
                events[at++] = '\n';
            }
            at = put(events, at, data[i], 0, data[i].length);
        }
        return events;
    }

    /** One frame's {@code data:} line per line of its JSON, and the blank line that ends the event. */
    static byte[] dataLines(byte[] json) {
        int breaks = lineBreaks(json); // each replaced by the end of its data line
        byte[] event = new byte[(breaks + 1) * (DATA.length + 1) + json.length - breaks + 1];
        int at = 0;
        int line = 0;
        for (int j = 0; j <= json.length; j++) {
            if (j == json.length || json[j] == '\n' || json[j] == '\r') {
                at = put(event, at, DATA, 0, DATA.length);
                at = put(event, at, json, line, j - line);
                event[at++] = '\n';
                line = j + 1;
            }
        }
        event[at] = '\n';
        return event;
    }

    private static int lineBreaks(byte[] json) {
        int breaks = 0;
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                breaks++;
            }
        }
        return breaks;
    }

    private static int put(byte[] to, int at, byte[] from, int offset, int length) {
        System.arraycopy(from, offset, to, at, length);
        return at + length;
    }
}
